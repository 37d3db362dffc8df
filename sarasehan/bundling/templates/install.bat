@echo off
rem Sarasehan @VERSION@ - learner archive for @SYSTEM@ (@LABEL@).
rem
rem   Double-click install.bat   first time: install from wheels\ (no internet needed), then open the course
rem                              later: just open the course (it installs again only when needed)
rem   install.bat --install-only install, do not open
rem   install.bat --lang en      open the English lessons (default: Bahasa Indonesia)
rem
rem Uses the first of: %%SARASEHAN_PYTHON%%, py -3.13, py -3.12, py -3.11, python.
rem Everything is installed into .venv inside this folder; delete the folder to remove it all.
setlocal EnableExtensions
set "HERE=%~dp0"
if "%HERE:~-1%"=="\" set "HERE=%HERE:~0,-1%"
set "SYSTEM=@SYSTEM@"
set "VERSION=@VERSION@"
set "SUPPORTED=@SUPPORTED@"
set "VENV=%HERE%\.venv"
set "MARKER=%VENV%\.sarasehan-bundle"

rem 1. A supported Python (the wheels in wheels\ are built for exactly these versions).
set "PY="
if defined SARASEHAN_PYTHON call :try "%SARASEHAN_PYTHON%"
if not defined PY call :try py -3.13
if not defined PY call :try py -3.12
if not defined PY call :try py -3.11
if not defined PY call :try python
if not defined PY (
  echo.
  echo Tidak ada Python yang didukung. Didukung: Python %SUPPORTED% ^(64-bit^).
  echo Pasang Python 3.12 dari https://www.python.org/downloads/windows/ ^(centang "Add python.exe to PATH"^), lalu jalankan install.bat lagi.
  echo No supported Python found. Supported: Python %SUPPORTED% ^(64-bit^).
  echo Install Python 3.12 from https://www.python.org/downloads/windows/ ^(tick "Add python.exe to PATH"^), then run install.bat again.
  echo.
  pause
  exit /b 3
)

rem 2. Is this the right archive for this computer? (64-bit Windows on Intel/AMD)
for /f "delims=" %%P in ('%PY% -c "import sysconfig; print(sysconfig.get_platform())"') do set "PLAT=%%P"
if /i not "%PLAT%"=="win-amd64" (
  echo.
  echo Arsip ini untuk %SYSTEM%, sedangkan Python ini untuk %PLAT%. Sistem yang didukung: @SYSTEMS@.
  echo This archive is for %SYSTEM%, but this Python is for %PLAT%. Supported systems: @SYSTEMS@.
  echo.
  pause
  exit /b 2
)

rem 3. Install once (again only when this archive's version changes), from wheels\ only.
for /f "delims=" %%V in ('%PY% -c "import sys; print(*sys.version_info[:2], sep='.')"') do set "PYV=%%V"
set "WANT=%VERSION% %SYSTEM% %PYV%"
set "HAVE="
if exist "%MARKER%" set /p HAVE=<"%MARKER%"
if exist "%VENV%\Scripts\python.exe" if "%HAVE%"=="%WANT%" goto start
echo Memasang Sarasehan %VERSION% dengan Python %PYV% (tanpa internet)... / Installing Sarasehan %VERSION% with Python %PYV% (no internet needed)...
if exist "%VENV%" rmdir /s /q "%VENV%"
%PY% -m venv "%VENV%"
if errorlevel 1 goto venvfail
rem Only this folder's wheels: no index, no pip configuration file that could add another source.
set "PIP_CONFIG_FILE=nul"
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%\wheels" --disable-pip-version-check --no-warn-script-location --quiet -r "%HERE%\requirements.txt"
if errorlevel 1 goto pipfail
> "%MARKER%" echo %WANT%
echo Selesai. / Done.

:start
if /i "%~1"=="--install-only" exit /b 0
set "SARASEHAN_ROOT=%HERE%"
"%VENV%\Scripts\sarasehan.exe" lab %*
exit /b %errorlevel%

:try
rem Sets PY when the command runs a supported Python version.
%* -c "import sys; sys.exit(0 if '.'.join(map(str, sys.version_info[:2])) in '%SUPPORTED%'.split() else 1)" >nul 2>&1
if not errorlevel 1 set "PY=%*"
exit /b 0

:venvfail
if exist "%VENV%" rmdir /s /q "%VENV%"
echo.
echo Folder .venv tidak dapat dibuat dengan %PY%. / Could not create .venv with %PY%.
pause
exit /b 4

:pipfail
if exist "%VENV%" rmdir /s /q "%VENV%"
echo.
echo Pemasangan gagal (lihat pesan di atas). Tidak ada yang berubah di luar folder ini; coba lagi, atau minta arsip baru.
echo The install failed (see the messages above). Nothing outside this folder changed; try again, or ask for a fresh archive.
pause
exit /b 5
