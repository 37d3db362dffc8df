"""``SandboxExecute``: nbgrader's ``Execute`` preprocessor, hardened.

It is put in place of ``nbgrader.preprocessors.Execute`` in
``Autograde.autograde_preprocessors``; everything else in nbgrader's
autograde pipeline is unchanged. Differences from the stock preprocessor:

* kernels come from :class:`~.kernels.PooledKernelManager` (sandboxed,
  prestarted from the warm template, one fresh process per notebook);
* **a broken cell costs only that cell.** If the kernel dies (``os._exit``,
  a segfault, the CPU limit) or does not react to an interrupt (a loop that
  ignores SIGINT), the cell gets an error output saying so, a fresh kernel is
  started and the cells that had run successfully are replayed silently
  (a cell that timed out is not replayed), and grading continues with the
  next cell; stock nbgrader throws the whole notebook away
  (``DeadKernelError`` -> "Removing failed assignment");
* output is capped per cell (and a cell that keeps printing is interrupted),
  so megabytes of output cannot exhaust the grader's memory;
* a whole-submission deadline: once it has passed, the remaining cells are
  not run and every remaining test cell gets an error output (an unexecuted
  test cell would otherwise count as passed);
* test cells run in the verifier kernel (see :mod:`.verifier`).

Every such event is recorded in :data:`CONTEXT` for the grades report.
"""

from __future__ import annotations

import ast
import asyncio
import signal
import time
from dataclasses import dataclass, field

from jupyter_core.utils import run_sync
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from ..i18n import t
from . import verifier as V
from .kernels import PooledKernelManager, VerifierKernelManager


@dataclass
class GradingContext:
    """Per-submission state shared by the worker and the preprocessor."""

    deadline: float | None = None           # time.monotonic() value
    honest: bool = True                     # run tests in the verifier
    answer_names: set = field(default_factory=set)
    events: list = field(default_factory=list)   # dicts: notebook, cell, kind, detail
    notebook: str = ""

    def event(self, kind: str, cell: str | None = None, detail: str = "") -> None:
        self.events.append({"notebook": self.notebook, "cell": cell, "kind": kind, "detail": detail})


CONTEXT = GradingContext()


def both(key: str, **values) -> str:
    """A message in both course languages (feedback is read by learners of either)."""
    return f"{t(key, lang='id', **values)} / {t(key, lang='en', **values)}"


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def role(cell) -> str:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("solution"):
        return "answer"
    if meta.get("grade") and meta.get("locked", True):
        return "test"
    if meta.get("locked"):
        return "setup"
    return "student"


def _error_output(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])


class SandboxExecute(Execute):
    max_output_bytes = Integer(2_000_000, help="output kept per cell").tag(config=True)
    kill_output_bytes = Integer(20_000_000, help="interrupt a cell that prints more than this").tag(config=True)
    replay_timeout = Integer(120, help="seconds for replaying earlier cells after a kernel restart").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = PooledKernelManager
        super().__init__(*args, **kwargs)
        self.shutdown_kernel = "immediate"

    # --- nbclient hooks ---------------------------------------------------------------------

    async def _async_check_alive(self) -> None:
        km = self.km
        if km is not None and km.has_kernel and not await km.is_alive():
            raise DeadKernelError("Kernel died")
        await super()._async_check_alive()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "") or "")
        for value in (content.get("data") or {}).values():
            size += len(value) if isinstance(value, str) else len(str(value))
        size += sum(len(x) for x in content.get("traceback", []) or [])
        self._cell_bytes += size
        if self._cell_bytes > self.max_output_bytes and msg.get("msg_type") != "error":
            if not self._truncated:
                self._truncated = True
                note = both("grade.output_truncated", limit=self.max_output_bytes // 1_000_000)
                outs.append(NotebookNode(output_type="stream", name="stdout", text=f"\n[{note}]\n"))
                CONTEXT.event("output", self._current_id, f"> {self.max_output_bytes} bytes")
            if self._cell_bytes > self.kill_output_bytes and not self._output_interrupted:
                self._output_interrupted = True
                handle = getattr(getattr(self.km, "provisioner", None), "handle", None)
                if handle is not None:
                    handle.send_signal(signal.SIGINT)
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self._cell_bytes = 0
        self._truncated = False
        self._output_interrupted = False
        self._current_id = _grade_id(cell) or f"#{cell_index}"
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    # --- the run ----------------------------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._cell_bytes = 0
        self._truncated = False
        self._output_interrupted = False
        self._current_id = None
        CONTEXT.notebook = (resources or {}).get("nbgrader", {}).get("notebook", "")
        run_sync(self._async_run)()
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _past_deadline(self) -> bool:
        return CONTEXT.deadline is not None and time.monotonic() >= CONTEXT.deadline

    def _timeout_for(self, default: float) -> float:
        if CONTEXT.deadline is None:
            return default
        return max(0.5, min(default, CONTEXT.deadline - time.monotonic()))

    async def _async_run(self) -> None:
        self._ok_cells: list[int] = []
        self._verifier_setup: list[str] = []
        self._trusted: set[str] = set()
        self._test_defined: set[str] = set()   # names the test cells bound in the verifier
        self._injected: set[int] = set()        # test cells whose answers are already in the verifier
        self.vkm = None
        self.vkc = None
        self._student_broken = False
        self._student = (None, None)
        cells = self.nb.cells
        try:
            await self._start_student()
            if CONTEXT.honest:
                try:
                    await self._start_verifier()
                except Exception as exc:  # grading goes on with tests in the student kernel
                    CONTEXT.event("no_verifier", None, f"{type(exc).__name__}: {exc}")
                    await self._stop_verifier()
            for index, cell in enumerate(cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                kind = role(cell)
                if self._past_deadline():
                    self._not_run(cell, index)
                    continue
                if self.kc is None:  # could not restart the student kernel
                    if kind == "test":
                        cell.outputs = [_error_output("KernelUnavailable", both("grade.cell_kernel_gone"))]
                    continue
                if kind == "test" and self.vkc is not None:
                    if index not in self._injected:
                        await self._inject_batch(index)
                    await self._run_test(cell, index)
                else:
                    await self._run_student_cell(cell, index, kind)
                    self._test_defined -= V.stored_names(cell.source)
                    if kind == "setup" and self.vkc is not None:
                        self._setup_verifier(cell.source)
                if self._student_broken and not self._past_deadline():
                    await self._restart_student()
        finally:
            await self._stop_verifier()
            if self.km is not None:
                await self._async_cleanup_kernel()

    # --- the student kernel -----------------------------------------------------------------

    async def _start_student(self) -> None:
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()
        info = getattr(self.kc, "kernel_info_reply", None)
        if info is None:
            info = await self.async_wait_for_reply(self.kc.kernel_info())
        if info is not None and "language_info" in info["content"]:
            self.nb.metadata["language_info"] = info["content"]["language_info"]

    async def _run_student_cell(self, cell, index: int, kind: str) -> None:
        gid = _grade_id(cell) or f"#{index}"
        try:
            await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
        except DeadKernelError:
            cell.outputs.append(_error_output("KernelDied", both("grade.cell_kernel_died")))
            CONTEXT.event("kernel_died", gid)
            self._student_broken = True
            return
        except CellTimeoutError:
            cell.outputs.append(_error_output("CellTimeoutError", both("grade.cell_unresponsive", seconds=self.timeout)))
            CONTEXT.event("unresponsive", gid)
            self._student_broken = True
            return
        enames = {o.get("ename") for o in cell.outputs if o.get("output_type") == "error"}
        if "CellTimeoutError" in enames:
            CONTEXT.event("timeout", gid)
            return  # interrupted: state may be half-built, and replaying it would time out again
        if "MemoryError" in enames:
            CONTEXT.event("memory", gid)
        if kind != "test":
            self._ok_cells.append(index)

    async def _restart_student(self) -> None:
        self._student_broken = False
        try:
            await self._async_cleanup_kernel()
        except Exception:
            self.km = self.kc = None
        if self._past_deadline():
            return
        try:
            await self._start_student()
        except Exception as exc:
            CONTEXT.event("restart_failed", None, f"{type(exc).__name__}: {exc}")
            self.km = self.kc = None
            return
        CONTEXT.event("restarted", None)
        replay_deadline = time.monotonic() + self.replay_timeout
        for i in self._ok_cells:
            left = min(self._timeout_for(self.timeout or 60), replay_deadline - time.monotonic())
            if left <= 0:
                break
            reply = await self._silent(self.kc, self.km, self.nb.cells[i].source, left)
            if reply is None:
                CONTEXT.event("replay_failed", _grade_id(self.nb.cells[i]) or f"#{i}")
                self._student_broken = True
                break

    async def _silent(self, kc, km, code: str, timeout: float, user_expressions: dict | None = None):
        """Run ``code`` without recording output; the execute_reply content, or None."""
        msg_id = kc.execute(code, silent=True, store_history=False, user_expressions=user_expressions or {},
                            allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                msg = await kc.shell_channel.get_msg(timeout=min(left, 0.5))
            except Exception:  # queue.Empty
                if km is not None and not await km.is_alive():
                    return None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        # no reply in time: interrupt, and give the kernel a moment to answer
        if km is not None and km.has_kernel:
            await km.interrupt_kernel()
            end = time.monotonic() + 3
            while time.monotonic() < end:
                try:
                    msg = await kc.shell_channel.get_msg(timeout=0.5)
                except Exception:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return None
        return None

    def _not_run(self, cell, index: int) -> None:
        gid = _grade_id(cell) or f"#{index}"
        cell.outputs = [_error_output("GradingTimeLimit", both("grade.cell_not_run"))]
        CONTEXT.event("not_run", gid)

    # --- the verifier -----------------------------------------------------------------------

    async def _start_verifier(self) -> None:
        self.vkm = VerifierKernelManager(config=self.config)
        await self.vkm.start_kernel()
        self.vkc = self.vkm.client()
        self.vkc.start_channels()
        await self.vkc.wait_for_ready(timeout=self.startup_timeout)
        self.vkc.allow_stdin = True
        for source in self._verifier_setup:
            await self._silent(self.vkc, self.vkm, source, self._timeout_for(self.timeout or 60))

    async def _stop_verifier(self) -> None:
        if self.vkc is not None:
            try:
                self.vkc.stop_channels()
            except Exception:
                pass
        if self.vkm is not None:
            try:
                await self.vkm.shutdown_kernel(now=True)
            except Exception:
                pass
            try:
                await self.vkm.cleanup_resources()
            except Exception:
                pass
        self.vkm = self.vkc = None

    async def _restart_verifier(self) -> None:
        await self._stop_verifier()
        if self._past_deadline():
            return
        try:
            await self._start_verifier()
        except Exception as exc:
            CONTEXT.event("no_verifier", None, f"{type(exc).__name__}: {exc}")
            await self._stop_verifier()

    def _setup_verifier(self, source: str) -> None:
        """Queue an instructor cell in the verifier when it only needs trusted names.

        Not awaited: the kernel runs requests in order, so it is done before
        the next test cell runs."""
        needed = V.loaded_names(source) - V.stored_names(source)
        if not needed <= self._trusted:
            return
        self.vkc.execute(source, silent=True, store_history=False, allow_stdin=False, stop_on_error=False)
        self._verifier_setup.append(source)
        self._trusted |= V.stored_names(source) - CONTEXT.answer_names

    async def _fetch(self, names: set[str]) -> dict:
        """The student's values of ``names``, as (tag, payload) pairs."""
        if not names:
            return {}
        if self.kc is None:
            return {n: ("error", "kernel not running") for n in names}
        exprs = {n: V.FETCH_EXPR.format(name=n) for n in names}
        reply = await self._silent(self.kc, self.km, "", self._timeout_for(self.timeout or 60), exprs)
        if reply is None:
            self._student_broken = True
            return {n: ("error", "no reply from the student kernel") for n in names}
        results = reply.get("user_expressions", {}) or {}
        items = {}
        for n in names:
            r = results.get(n)
            if not r:
                items[n] = ("error", "no value")
            elif r.get("status") == "ok":
                try:
                    tag, payload = ast.literal_eval(r.get("data", {}).get("text/plain", ""))
                    if tag not in ("value", "callable", "module") or not isinstance(payload, str):
                        raise ValueError(tag)
                    items[n] = (tag, payload)
                except Exception:
                    items[n] = ("error", "unreadable value")
            elif r.get("ename") == "NameError":
                items[n] = ("missing", "")
            else:
                items[n] = ("error", f"{r.get('ename')}: {str(r.get('evalue'))[:200]}")
        return items

    async def _call_student(self, req: str) -> str:
        km, kc = self._student  # during a test cell self.km/self.kc are the verifier's
        if kc is None:
            return "error kernel not running"
        expr = V.CALL_EXPR.format(req=req)
        reply = await self._silent(kc, km, "", self._timeout_for(self.timeout or 60), {"r": expr})
        if reply is None:
            self._student_broken = True
            return "error " + t("grade.call_timeout", lang="en")
        r = (reply.get("user_expressions") or {}).get("r") or {}
        if r.get("status") == "ok":
            try:
                return "ok " + ast.literal_eval(r.get("data", {}).get("text/plain", ""))
            except Exception:
                return "error unreadable result"
        return f"error {r.get('ename')}: {str(r.get('evalue'))[:300]}"

    async def _serve_calls(self) -> None:
        while True:
            try:
                msg = await self.vkc.stdin_channel.get_msg(timeout=3600)
            except asyncio.CancelledError:
                raise
            except Exception:
                continue
            if msg.get("msg_type") != "input_request":
                continue
            prompt = msg["content"].get("prompt", "")
            if prompt.startswith(V.RPC_MARK):
                answer = await self._call_student(prompt[len(V.RPC_MARK):])
            else:
                answer = ""
            self.vkc.input(answer)

    async def _inject_batch(self, first: int) -> None:
        """Fetch from the student kernel, in one request, the answers read by this test
        cell and the test cells right after it, and queue them into the verifier."""
        cells = self.nb.cells
        batch, names, defined = [], set(), set(self._test_defined)
        for i in range(first, len(cells)):
            c = cells[i]
            if c.cell_type != "code" or not c.source.strip():
                continue
            if role(c) != "test":
                break
            batch.append(i)
            names |= V.loaded_names(c.source) - self._trusted - defined
            defined |= V.stored_names(c.source)
        items = await self._fetch(names)
        if self._student_broken and not self._past_deadline():
            await self._restart_student()
        if items:
            self.vkc.execute(V.inject_code(items), silent=True, store_history=False, allow_stdin=False,
                             stop_on_error=False)
        self._injected.update(batch)

    async def _run_test(self, cell, index: int) -> None:
        gid = _grade_id(cell) or f"#{index}"
        saved = self._student = (self.km, self.kc)
        self.km, self.kc = self.vkm, self.vkc
        server = asyncio.ensure_future(self._serve_calls())
        broken = False
        try:
            await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
        except (DeadKernelError, CellTimeoutError) as exc:
            cell.outputs.append(_error_output(type(exc).__name__, both("grade.cell_test_failed_run")))
            CONTEXT.event("test_not_finished", gid, type(exc).__name__)
            broken = True
        finally:
            server.cancel()
            try:
                await server
            except BaseException:
                pass
            self.km, self.kc = saved
        self._test_defined |= V.stored_names(cell.source)
        if broken:
            CONTEXT.event("verifier_restart", gid)
            await self._restart_verifier()
            self._injected.clear()
