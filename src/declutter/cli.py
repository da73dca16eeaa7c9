"""The ``declutter`` command: clean, explain, train (bench and batch live in their own modules).

The CLI only parses arguments and calls the library; every behaviour is reachable from Python too.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Optional, Sequence

from . import __version__
from .config import FAVORS, INPUT_FORMATS, Config
from .httpbody import PayloadError
from .reading import MAX_DECOMPRESSED, decompressed  # the library's limit and opener for compressed bytes

MAX_INPUT = MAX_DECOMPRESSED  # the same for the bytes read: /dev/zero or an endless pipe must not eat the memory
GREEN, RED, DIM, RESET = "\033[32m", "\033[31m", "\033[2m", "\033[0m"


def _hint(path: str, command: str) -> str:
    """What the user probably meant by a path that cannot be read: a folder is a batch job, and a URL is
    fetched first (declutter never goes to the network: a pipeline's fetcher owns retries and politeness)."""
    if Path(path).is_dir():
        return " (a folder of pages is cleaned with: declutter batch FOLDER -o OUT_DIR)"
    if path.lower().startswith(("http://", "https://")):
        return f" (declutter reads files, not URLs: curl -sL '{path}' | declutter {command} -)"
    return ""


def _read_input(path: str, command: str = "clean") -> bytes:
    """The input's bytes, gunzipped or un-zstd-ed by magic number (``page.html.gz`` works as it is)."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_INPUT + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_INPUT + 1)
    except OSError as exc:
        raise SystemExit(f"declutter: cannot read {path}: {exc.strerror or exc}{_hint(path, command)}") from None
    name = "standard input" if path == "-" else path
    if len(data) > MAX_INPUT:
        data = data[:MAX_INPUT]
        print(f"declutter: warning: {name} is longer than 256 MiB; cleaning its first 256 MiB "
              "(declutter batch reads a corpus record by record)", file=sys.stderr)
    try:
        data, note = decompressed(data)
    except PayloadError as exc:
        raise SystemExit(f"declutter: {name}: {exc}") from None
    if note:
        print(f"declutter: warning: {name} {note}", file=sys.stderr)
    return data


def _config(args: argparse.Namespace, **extra) -> Config:
    try:
        return Config(threshold=args.threshold, favor=args.favor, language=args.language, extra_rules=tuple(args.rules or ()),
                      input_format=args.input_format, model_path=args.model, drop_repeats=not args.keep_repeats,
                      keep_clean_pages=not args.judge_clean_pages,
                      markdown_links=getattr(args, "links", False),
                      markdown_emphasis=not getattr(args, "no_emphasis", False),
                      markdown_front_matter=getattr(args, "front_matter", False),
                      markdown_images=getattr(args, "images", False), **extra)
    except ValueError as exc:
        raise SystemExit(f"declutter: {exc}") from None


def _cleaner(config: Config):
    from .cleaner import Cleaner
    from .rules import RuleError

    try:
        return Cleaner(config)
    except (RuleError, OSError, ValueError) as exc:
        raise SystemExit(f"declutter: {exc}") from None


def _utf8_stdout() -> None:
    """Pages are written as UTF-8 whatever the locale says. A narrower codec (a Windows console or a file
    redirected there, ``PYTHONIOENCODING=ascii``, an old C locale) raised UnicodeEncodeError on the first
    CJK character or emoji, after the cleaning was done."""
    encoding = (sys.stdout.encoding or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")


def _unreadable_page(path: str, exc: Exception) -> SystemExit:
    """The documented error for input that is no page (markup lxml cannot parse, a feed, a sitemap), as a
    message rather than a traceback."""
    return SystemExit(f"declutter: {path}: {exc}")


def cmd_clean(args: argparse.Namespace) -> int:
    from .reading import NotAPageError

    cleaner = _cleaner(_config(args, output=args.format))
    try:
        out = cleaner.clean(_read_input(args.file), url=args.url)
    except NotAPageError as exc:
        raise _unreadable_page(args.file, exc) from None
    _utf8_stdout()
    sys.stdout.write(out + ("\n" if out else ""))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .reading import NotAPageError

    cleaner = _cleaner(_config(args))
    try:
        analysis = cleaner.analyze(_read_input(args.file, "explain"), url=args.url)
    except NotAPageError as exc:
        raise _unreadable_page(args.file, exc) from None
    _utf8_stdout()
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    favor = cleaner.config.favor
    how = ("threshold" if cleaner.config.threshold is not None
           else "this page's cut" + (f", favouring {favor}" if favor != "balanced" else ""))
    if analysis.reads_clean:
        decided = "no boilerplate rule matched: the page reads as clean and is kept whole"
    elif analysis.cut is None and analysis.parts > 1:
        decided = "each part kept from its own cut"
    elif analysis.cut is None:
        decided = "nothing to judge" if not analysis.lines else f"no model line kept ({how} found none worth keeping)"
    else:
        decided = f"model lines kept from p >= {analysis.cut:.2f} ({how})"
    if analysis.parts > 1:
        decided = f"a very long page, judged in {analysis.parts} parts (max_page_lines); {decided}"
    print(f"# language: {analysis.lang or 'unknown'}, source: {analysis.source}, "
          f"{len(analysis.kept)} of {len(analysis.lines)} lines kept; {decided}")
    declared = [f"{name}: {value}" for name, value in (("title", analysis.title), *analysis.metadata.to_dict().items())
                if value]
    if declared:  # what an HTML page says about itself (declutter.metadata): one line, as wide as a line row
        header, widest = "# " + "; ".join(declared), args.width + 16
        print(header if len(header) <= widest else header[: widest - 1] + "…")
    for d in analysis.lines:
        mark = "KEEP" if d.keep else "drop"
        text = d.text if len(d.text) <= args.width else d.text[: args.width - 1] + "…"
        line = f"{d.index + 1:4d} {mark} {d.prob:4.2f}  {text}"
        reason = f"      ↳ {d.reason}"
        if color:
            line = (GREEN if d.keep else RED) + line + RESET
            reason = DIM + reason + RESET
        print(line)
        print(reason)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .train import main as train_main

    return train_main(args)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch_cli import main as batch_main

    return batch_main(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import main as bench_main

    return bench_main(args)


def _threshold(value: str) -> float | None:
    """``--threshold``: 'auto' (the per-page cut) or a probability."""
    if value.strip().lower() == "auto":
        return None
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number in [0, 1], got {value!r}") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", type=_threshold, default=None, metavar="auto|P",
                   help="keep lines with P(body) >= P; 'auto' (default) picks each page's cut for the best "
                        "expected word F1")
    p.add_argument("--favor", choices=FAVORS, default="balanced",
                   help="what each page's cut is for: word F1 (balanced, default), recall (F2: lose less text) or "
                        "precision (F0.5: keep less boilerplate); not with a fixed --threshold")
    p.add_argument("--language", default="auto", help="ISO 639-1 code or 'auto' (default)")
    p.add_argument("--rules", action="append", metavar="FILE", help="extra rule file (TOML); repeatable")
    p.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                   help="auto (default) sniffs HTML, Markdown (3+ inline links) or plain text")
    p.add_argument("--model", default=None, help="model file from 'declutter train' (default: shipped model)")
    p.add_argument("--keep-repeats", action="store_true",
                   help="keep every copy of content the page repeats (default: a repeated run of lines is given once)")
    p.add_argument("--judge-clean-pages", action="store_true",
                   help="let the model judge every line of a text page no boilerplate rule matches (default: such "
                        "a page reads as already clean and is kept whole)")


def _markdown_options(p: argparse.ArgumentParser) -> None:
    """The Markdown output settings, the same for ``clean`` and ``batch`` (read by :func:`_config`)."""
    p.add_argument("--links", action="store_true", help="with --format markdown, write an HTML page's links as [text](url)")
    p.add_argument("--no-emphasis", action="store_true", help="with --format markdown, write bold and italic text as plain words")
    p.add_argument("--front-matter", action="store_true",
                   help="with --format markdown, open with YAML front matter: title, author, date, site, description, URL, language")
    p.add_argument("--images", action="store_true", help="with --format markdown, write an HTML page's images as ![alt](src)")


_URL_HELP = ("the page's address: relative links (--links), images (--images) and a relative canonical URL are made "
             "absolute against it (and the page's <base href>)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="declutter", description="Strip web-page boilerplate, keep the main content.")
    parser.add_argument("--version", action="version", version=f"declutter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("clean", help="print the main content of a page (text or HTML)")
    p.add_argument("file", help="input file, or - for stdin")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    _markdown_options(p)
    p.add_argument("--url", default=None, help=_URL_HELP)
    _common(p)
    p.set_defaults(func=cmd_clean)
    p = sub.add_parser("explain", help="show every line kept or dropped, with its reason")
    p.add_argument("file", help="input file, or - for stdin")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--width", type=int, default=100, help="cut displayed lines at this many characters")
    p.add_argument("--url", default=None, help=_URL_HELP)
    _common(p)
    p.set_defaults(func=cmd_explain)
    from .train import add_arguments as add_train_arguments

    p = sub.add_parser("train", help="rebuild the line model from labelled pages (JSONL or fixture folders)")
    add_train_arguments(p)
    p.set_defaults(func=cmd_train)
    from .batch_cli import add_arguments as add_batch_arguments

    p = sub.add_parser("batch", help="clean a corpus: folders, JSONL, WARC/WET; sharded, resumable, parallel")
    add_batch_arguments(p)
    _markdown_options(p)
    _common(p)
    p.set_defaults(func=cmd_batch)
    from .bench import add_arguments as add_bench_arguments

    p = sub.add_parser("bench", help="score declutter, baselines and peer extractors on labelled pages")
    add_bench_arguments(p)
    p.set_defaults(func=cmd_bench)
    return parser


def _one_line_warnings(default):
    """``warnings.showwarning`` that prints declutter's own warnings (binary input, HTML limits) as one line
    a user can read, without the source line of the library that raised them; others as ``default`` does."""
    def show(message, category, filename, lineno, file=None, line=None):
        if category.__module__.split(".")[0] == "declutter":
            print(f"declutter: warning: {message}", file=sys.stderr)
        else:
            default(message, category, filename, lineno, file, line)
    return show


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():  # restores the caller's display when the command returns
        warnings.showwarning = _one_line_warnings(warnings.showwarning)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except MemoryError:
        print("declutter: out of memory; a corpus is cleaned record by record with: declutter batch", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
