"""The composer's checklist: four simple, explainable heuristics for a post.

Each check returns ``(passed, explanation)`` with the explanation in the
learner's language. They look for words and patterns in Bahasa Indonesia
and English; they are prompts for a second look, not a judgement, and a
good post can fail one (e.g. a post that only says thank you needs no
call to action).

>>> call_to_action("Ayo donorkan darah Anda minggu ini!")[0]
True
>>> who_what_where_when("Donor darah di UDD PMI Kota, Sabtu 08.00-12.00")[0]
True
"""

from __future__ import annotations

import re

from .i18n import t

_F = re.IGNORECASE


def _words(options: str) -> re.Pattern:
    """A pattern that finds whole words or phrases (Unicode-aware), ignoring case."""
    return re.compile(rf"(?<![\w-])(?:{options})(?![\w-])", _F)


# Imperative or inviting words. Indonesian also with the polite suffix -lah.
CTA_ID = ("ayo|yuk|mari|silakan|daftar|daftarkan|datang|datangi|donorkan|hubungi|klik|kunjungi|bagikan"
          "|sebarkan|ikut|ikuti|gabung|bergabunglah|simpan|tonton|cek|kirim|ajak|hadiri|telepon")
CTA_EN = ("register|sign[ -]?up|come|visit|call|share|join|donate|book|click|tap|contact|reply|follow"
          "|rsvp|give|save the date")
_CTA = _words(rf"(?:{CTA_ID})(?:lah)?|{CTA_EN}")

_MONTHS = ("januari|january|jan|februari|february|feb|maret|march|mar|april|apr|mei|may|juni|june|jun"
           "|juli|july|jul|agustus|august|agu|agt|aug|september|sept|sep|oktober|october|okt|oct"
           "|november|nov|desember|december|des|dec")
_WHEN = re.compile(
    r"(?<!\w)(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|hari ini|besok|lusa|malam ini|pagi ini|sore ini|pekan ini|akhir pekan"
    r"|today|tomorrow|tonight|this (?:week|weekend|morning|afternoon|evening)"
    r"|pukul \d|jam \d|tanggal \d|wib|wita|wit)(?!\w)"
    r"|(?<!\d)\d{1,2}[.:]\d{2}(?!\d)|(?<!\d)\d{1,2} ?(?:am|pm)(?!\w)"
    r"|(?<!\d)\d{1,4}[/-]\d{1,2}[/-]\d{1,4}(?!\d)"
    rf"|(?<!\w)\d{{1,2}} (?:{_MONTHS})(?!\w)|(?<!\w)(?:{_MONTHS}) \d{{1,4}}(?!\d)",
    _F,
)
_WHERE = re.compile(
    r"(?<!\w)(?:di|lokasi|tempat|alamat|jl|jln|jalan|gedung|balai|aula|kantor|markas|posko|kampus"
    r"|masjid|gereja|sekolah|lapangan|rumah sakit|location|venue|address|hall|street|office|campus)(?!\w)"
    r"|(?<!\w)at (?!\d)|maps\.",
    _F,
)
_WHO = re.compile(r"(?<![^\W\d_])(?:pmi|udd|ksr|tsr|ifrc|icrc|palang merah|bulan sabit merah"
                  r"|red cross|red crescent)(?![^\W\d_])", _F)

# Words that shame or blame the reader; they push people away.
SHAMING = _words(
    "egois|pelit|malas|pengecut|tega|memalukan|tidak punya hati|tak punya hati|tidak peduli"
    "|bodoh|durhaka|selfish|shame on you|shameful|ashamed|lazy|coward|cowardly|heartless"
    "|don't you care|stupid|useless"
)
CAPS_SHARE = 0.3  # more than this share of shouting words fails the tone check
MIN_ALT_WORDS = 5

# Long single words that need no capitals inside (no CamelCase hint for them).
_SINGLE_WORDS = {"kemanusiaan", "kesiapsiagaan", "sukarelawan", "pertolongan", "kebencanaan",
                 "volunteering", "volunteers", "preparedness", "humanitarian", "kesehatan"}


def _found(pattern: re.Pattern, text: str) -> list[str]:
    seen: dict[str, None] = {}
    for m in pattern.finditer(text):
        seen.setdefault(m.group(0).lower(), None)
    return list(seen)


def call_to_action(text: str) -> tuple[bool, str]:
    """Does the post ask the reader to do something (daftar, datang, share, join...)?"""
    words = _found(_CTA, text)
    if words:
        return True, t("composer.cta.ok", words=", ".join(words))
    return False, t("composer.cta.missing")


def who_what_where_when(text: str) -> tuple[bool, str]:
    """Are the organisation (PMI, UDD, KSR), a place and a day, date or time named?"""
    missing = [t("composer.part.who")] if not _WHO.search(text) else []
    if not _WHERE.search(text):
        missing.append(t("composer.part.where"))
    if not _WHEN.search(text):
        missing.append(t("composer.part.when"))
    if missing:
        return False, t("composer.w4.missing", missing=", ".join(missing))
    return True, t("composer.w4.ok")


def respectful_tone(text: str) -> tuple[bool, str]:
    """No shouting (ALL-CAPS words of 5+ letters over 30% of words, or "!!!"), no shaming words."""
    reasons = []
    words = re.findall(r"[^\W\d_]+", text)
    shouting = [w for w in words if len(w) > 4 and w.isupper()]
    if words and len(shouting) / len(words) > CAPS_SHARE:
        reasons.append(t("composer.tone.caps", percent=round(100 * len(shouting) / len(words))))
    if re.search(r"!{3,}", text):
        reasons.append(t("composer.tone.exclaim"))
    shaming = _found(SHAMING, text)
    if shaming:
        reasons.append(t("composer.tone.shaming", words=", ".join(shaming)))
    if reasons:
        return False, " ".join(reasons)
    return True, t("composer.tone.ok")


def accessibility(alt_text: str, platform: str, has_alt_field: bool) -> tuple[bool, str]:
    """Alt text of at least five words, where the platform has an alt-text field."""
    if not has_alt_field:
        return True, t("composer.alt.not_applicable", platform=platform)
    n = len(re.findall(r"\w+", alt_text))
    if n == 0:
        return False, t("composer.alt.missing", minimum=MIN_ALT_WORDS)
    if n < MIN_ALT_WORDS:
        return False, t("composer.alt.short", n=n, minimum=MIN_ALT_WORDS)
    return True, t("composer.alt.ok", n=n)


def camelcase_hints(hashtags: list[str]) -> list[str]:
    """A nice-to-have hint for long hashtags written in one case (#donordarah → #DonorDarah).

    Screen readers read #DonorDarah as two words but #donordarah as one
    strange word. It is only a hint: the check cannot know if a long tag
    is really several words, so well-known single words are skipped.
    """
    flat = [tag for tag in hashtags
            if len(re.sub(r"[\W\d_]", "", tag)) >= 10 and (tag[1:].islower() or tag[1:].isupper())
            and tag[1:].lower() not in _SINGLE_WORDS]
    return [t("composer.hint.camelcase", tags=tag) for tag in dict.fromkeys(flat)]
