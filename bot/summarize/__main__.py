"""Preview a summary from the shell: `python -m bot.summarize FILE` (or `-` for stdin)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.summarize import explain
from bot.summarize.cleaning import clean_explained

# Long removals (a trailer runs to the end of the text) are shown up to this many characters.
_SHOWN = 160


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.summarize",
        description="Clean a press release (text or HTML) and print its summary.",
    )
    parser.add_argument("file", help="path to the release, or - to read standard input")
    parser.add_argument("--sentences", type=int, default=3, help="sentences in the summary")
    parser.add_argument("--title", default=None, help="the release's title, to guide selection")
    parser.add_argument("--language", choices=("ru", "en"), default=None, help="skip detection")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print every sentence's score and what cleaning removed, by which rule",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Print the language, the summary and, with --explain, each sentence's score."""
    args = _parser().parse_args(argv)
    if args.sentences < 1:
        print("error: --sentences must be at least 1", file=sys.stderr)
        return 2
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 2

    language, scored = explain(
        text, language=args.language, sentences=args.sentences, title=args.title
    )
    print(f"language: {language}")
    print("summary:")
    print(" ".join(s.sentence.text for s in scored if s.selected))
    if args.explain:
        print()
        print("scores (* = in the summary):")
        for item in scored:
            mark = "*" if item.selected else " "
            note = f"  [{item.note}]" if item.note else ""
            print(f"{mark} {item.sentence.index:3d} {item.score:6.3f}  {item.sentence.text}{note}")
        print()
        print("removed by cleaning:")
        for removal in clean_explained(text)[1]:
            shown = removal.text.replace("\n", " ⏎ ")
            if len(shown) > _SHOWN:
                shown = shown[: _SHOWN - 1] + "…"
            print(f"- [{removal.rule}] {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
