"""Refresh the translation catalogues: `python scripts/i18n.py` (needs GNU gettext).

Source strings are Simplified Chinese (the default language). This script
1. extracts them into src/tongban/locale/{zh_Hant,en}/LC_MESSAGES/django.po (makemessages),
2. fills every empty zh_Hant entry by OpenCC (Simplified → Traditional, the Taiwan table s2tw that
   tongban.core.traditional_chinese converts page content with, so interface and content agree),
3. fills empty English entries from scripts/i18n_en.tsv (Chinese<TAB>English, one per line)
   and lists what is still untranslated,
4. compiles the .mo files (committed, so running the platform needs no gettext).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "tongban" / "locale"
EN_TABLE = ROOT / "scripts" / "i18n_en.tsv"


def _forget_fuzzy_guess(entry: polib.POEntry) -> None:
    """makemessages copies the translation of a similar old string and marks it fuzzy: that
    guess is usually wrong (退回 → "Log out"), so drop it and let the entry be filled again."""
    if "fuzzy" in entry.flags:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.msgstr = ""
        if entry.msgid_plural:
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tongban.settings"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hant",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
            "--keyword=N_",  # the services' gettext_noop alias for texts they store
            "--ignore",
            "tests/*",
            "--ignore",
            "bench/*",
        ],
        cwd=ROOT / "src" / "tongban",
        env=env,
        check=True,
    )
    converter = opencc.OpenCC("s2tw")
    hant = polib.pofile(str(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    for entry in hant:
        _forget_fuzzy_guess(entry)
        if not entry.msgstr:
            entry.msgstr = converter.convert(entry.msgid)
        if entry.msgid_plural and not entry.msgstr_plural.get(0):
            entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
    hant.save()

    table: dict[str, str] = {}
    if EN_TABLE.exists():
        with EN_TABLE.open(encoding="utf-8") as f:
            for row in csv.reader(f, delimiter="\t"):
                if len(row) == 2 and not row[0].startswith("#"):
                    table[row[0]] = row[1]
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    missing = []
    for entry in english:
        _forget_fuzzy_guess(entry)
        if entry.msgid in table and not entry.msgctxt:  # a context's wording is written in the .po itself
            entry.msgstr = table[entry.msgid]
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid + "  (plural: write both forms in the .po file)")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    english.save()
    for catalogue in (hant, english):
        catalogue.save_as_mofile(catalogue.fpath[:-3] + ".mo")
    if missing:
        print(f"{len(missing)} strings have no English yet (add them to {EN_TABLE.name}):")
        for msgid in missing:
            print("  " + msgid.replace("\n", " "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
