"""User-facing errors: one coded line that says what, where and how to fix."""

from __future__ import annotations


class MazmunError(Exception):
    """An error the user can cause and fix. ``code`` is stable and documented in the README."""

    def __init__(self, code: str, what: str, fix: str = "") -> None:
        self.code = code
        self.what = what
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        text = f"[{self.code}] {self.what}"
        return f"{text} — {self.fix}" if self.fix else text


# Codes, grouped by where they arise; README.md explains each (tests/test_errors.py keeps the two equal).
E_INPUT_MISSING = "E101"  # input folder does not exist / is not a folder
E_INPUT_EMPTY = "E102"  # folder has no files at all
E_INPUT_UNSUPPORTED = "E103"  # folder has files, none of a supported type
E_INPUT_NOTHING_USABLE = "E104"  # every file was skipped
E_CONFIG_FILE = "E201"  # config file missing or not valid YAML
E_CONFIG_KEY = "E202"  # unknown section or key
E_CONFIG_VALUE = "E203"  # value of the wrong type or out of range
E_MODEL = "E301"  # embedding model cannot be loaded
E_OUTPUT = "E401"  # output folder cannot be written
E_CODING = "E501"  # human coding table missing, unreadable or malformed
E_RUN = "E502"  # not a mazmun run folder, or the run lacks what compare needs
E_TRANSCRIPTS = "E503"  # transcripts missing or changed since the run
E_DECISIONS = "E504"  # decisions.jsonl line malformed
E_EXCHANGE = "E505"  # REFI-QDA file (.qdpx/.qdc) unreadable or malformed
E_REVIEW = "E601"  # review page cannot be served (port taken), or asked for what the run lacks
E_CARRY = "E602"  # --decisions names no run folder or decisions file
E_INTERNAL = "E900"  # not the user's doing: a bug, reported in one line (exit status 70)
