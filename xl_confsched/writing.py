"""One way to write every output: all files of a run put in place together, and text kept as text.

Every command and every kind writes through this module — the output workbook, the CSPLib
``_sol.xlsx`` file, calendars, a web page, a folder of per-participant files:

    with Outputs() as out:                      # nothing visible happens yet
        out.save_workbook(target, wb, cached_from=source)
        out.write_text(target.with_suffix(".ics"), text)
        out.write_folder(folder, {"ann.ics": b"...", ...})
        out.commit()                            # every file appears at once (or none does)

Guarantees:

* **Prepared beside the target.**  Each file is written into a temporary file *in the
  target's own folder* (on Linux an anonymous ``O_TMPFILE`` inode, which vanishes by itself
  if the process is killed), flushed to disk, and only :meth:`Outputs.commit` moves the
  files into place — after every one of them was written completely.  A failure before the
  commit (exception, Ctrl-C, full disk, ``ulimit -f``, a name too long, an unwritable
  folder) leaves every previous file byte-identical and no temporary file behind.
* **Together.**  The commit renames the prepared files into place one after another, each
  with an atomic ``rename``; if one rename fails, the ones already done are rolled back from
  hard-link backups.  A kill *during* those few renames (microseconds, no I/O) can leave a
  mix of old and new files, never a half-written one; leftovers of a killed run
  (``.~xlcs-<pid>-…`` names) are cleaned up the next time anything is written to that folder.
* **Permissions kept.**  A replaced file keeps its mode (and group where allowed); a new file
  gets the mode any program would give it there (``0666`` less the umask, the folder's default
  ACL and set-group-id group), not ``mkstemp``'s private ``0600``.
* **Text stays text** (:func:`put_cell`, :func:`live_value`): a value copied from the inputs
  is written as a string cell, never a formula; only :class:`Formula` values — the formulas
  our own code builds — become formulas.
* **The tool reads what it wrote** (:func:`carry_cached_values`): openpyxl saves formulas
  without their last computed values; the input sheets' formula cells get their cached values
  back from the source file, so ``check``/``solve`` on an output read the same inputs as on
  the original.
"""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = [
    "Formula", "inert_text", "needs_quote_prefix", "put_cell", "live_value", "Outputs", "OutputError",
    "carry_cached_values", "check_output_path", "sweep_leftovers", "TEMP_MARK", "open_elsewhere", "kept_name",
]

TEMP_MARK = ".~xlcs-"  # every temporary / backup name starts with this


# --------------------------------------------------------------------------------------
# inert text
# --------------------------------------------------------------------------------------

class Formula(str):
    """A formula our own code wrote, e.g. ``Formula("=SUM(B2:B9)")``: the only values written as formulas.

    Every other ``str`` — names, titles, notes, messages copied from the inputs — is written as
    a text cell, whatever it starts with.  The leading ``=`` is optional.
    """

    label: str | None  # what a terminal shows instead of the formula (e.g. a link's text)

    def __new__(cls, text: str, label: str | None = None) -> "Formula":
        text = str(text)
        obj = super().__new__(cls, text if text.startswith("=") else "=" + text)
        obj.label = label
        return obj


# characters XML 1.0 cannot carry (openpyxl raises IllegalCharacterError on them)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# OWASP CSV/formula injection: a cell beginning with one of these is read as a formula or DDE
# call when typed, pasted or exported; the full-width forms are normalised by some spreadsheets
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert_text(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold (they are invisible anyway)."""
    return _ILLEGAL_XML.sub("", text)


def needs_quote_prefix(text: str) -> bool:
    """True when a spreadsheet would take ``text`` for a formula (OWASP's list of leading characters)."""
    return text.startswith(_TRIGGERS)


def _plain(v: Any) -> Any:
    """numpy / pandas scalars → Python; NaN → empty."""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(v, float) and v != v:
        return None
    return v


def put_cell(ws, row: int, col: int, value: Any):
    """Write ``value`` into the openpyxl cell (row, col) with the inert-text rule; return the cell.

    * :class:`Formula` → a formula;
    * any other ``str`` → a text cell (never a formula); one that begins like a formula also gets
      the *quote prefix* style (Excel's leading apostrophe, not displayed) so that editing the
      cell in Excel keeps it text; characters a workbook cannot hold are dropped;
    * numbers, dates, booleans, ``None`` as they are (NaN → empty).
    """
    value = _plain(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Formula):
        cell.value = str(value)
        return cell
    if isinstance(value, str):
        text = inert_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would make any '=…' string a formula
        if needs_quote_prefix(text):
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


# strings Excel would re-interpret when assigned to Range.Value (numbers, dates, booleans, errors)
_LIVE_REPARSE = re.compile(r"^\s*[(\[]?[$€£¥]?\s*[-+]?[\d.,]|^\s*(true|false)\s*$|^#|^\s*\d|%\s*$", re.I)


def live_value(value: Any) -> Any:
    """The value to assign to a live Excel cell (xlwings) with the same inert-text rule as :func:`put_cell`.

    Excel parses every string assigned to ``Range.Value`` as if it were typed: ``=…`` becomes a
    formula, ``1/2`` a date, ``007`` the number 7.  A plain ``str`` that could be re-read so gets
    Excel's text prefix ``'`` (not displayed, not part of the value); a :class:`Formula` is
    passed as the formula it is.
    """
    value = _plain(value)
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str):
        text = inert_text(value)
        if needs_quote_prefix(text) or text.startswith("'") or _LIVE_REPARSE.search(text):
            return "'" + text
        return text
    return value


# --------------------------------------------------------------------------------------
# errors and path checks
# --------------------------------------------------------------------------------------

class OutputError(Exception):
    """An output could not be written; nothing was changed.  ``str()`` is one sentence for the organiser."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


def _why(exc: OSError) -> str:
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT if hasattr(errno, "EDQUOT") else -1, errno.EFBIG):
        return "the disk is full or a size limit or quota was reached"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long"
    if code == errno.ENOENT:
        return "the folder does not exist"
    if code == errno.EISDIR:
        return "it is a folder"
    if code == errno.ENOTDIR:
        return "part of the path is not a folder"
    return exc.strerror or type(exc).__name__


def _describe_failure(target: Path, exc: BaseException) -> str:
    why = _why(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
    return f"could not write {target}: {why}. Nothing was changed: every previous file is as it was."


def open_elsewhere(exc: BaseException, target: Path) -> bool:
    """Windows refuses to replace a file that another program has open (Excel locks every workbook
    it has open): a PermissionError with winerror 5 (access denied), 32 (sharing violation) or
    33 (lock violation) while the target exists.  Other systems replace open files."""
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in (5, 32, 33) and Path(target).exists()


def kept_name(target: Path) -> Path:
    """A free name beside ``target`` for a result that could not replace it: "name (new).ext", "name (new 2).ext"…"""
    target = Path(target)
    stem, suffix = target.stem, "".join(target.suffixes[-1:])
    candidate, i = target.with_name(f"{stem} (new){suffix}"), 2
    while candidate.exists():
        candidate, i = target.with_name(f"{stem} (new {i}){suffix}"), i + 1
    return candidate


def _describe_open_elsewhere(target: Path, kept: list[Path]) -> str:
    where = (" The new results were kept beside it as " + ", ".join(p.name for p in kept) + ".") if kept else ""
    return (f"{target.name} is open in another program (Excel, perhaps), so it was not replaced; nothing was "
            f"changed.{where} Close {target.name} and run again, or use the new file.")


def check_output_path(path: str | Path, *, suffixes: Iterable[str] | None = None,
                      what: str = "output") -> str | None:
    """None when ``path`` can be written as a file, else one sentence saying why not (checked before any work)."""
    p = Path(path)
    if str(path).strip() == "":
        return f"the {what} file name is empty."
    if p.is_dir():
        return f"the {what} {p} is a folder; give a file name, e.g. {p / 'results.xlsx'}."
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.exists():
        return f"the folder {folder} of the {what} {p} does not exist; create it first or choose another place."
    if not folder.is_dir():
        return f"{folder} is not a folder, so the {what} {p} cannot be written there."
    if suffixes is not None:
        suffixes = [s.lower() for s in suffixes]
        if p.suffix.lower() not in suffixes:
            return f"the {what} {p} must end in {' or '.join(suffixes)}."
    if len(os.fsencode(p.name)) > 200:
        return f"the {what} file name {p.name[:40]}… is too long (at most 200 bytes)."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder.resolve()} is not writable (permission denied); choose another place for the {what}."
    if p.exists() and not os.access(p, os.W_OK):
        return f"the {what} {p} is read-only (permission denied); make it writable or choose another name."
    return None


# --------------------------------------------------------------------------------------
# leftovers of killed runs
# --------------------------------------------------------------------------------------

_LEFTOVER = re.compile(re.escape(TEMP_MARK) + r"(\d+)-[0-9a-f]+\.(tmp|dir|bak)(?:\.[A-Za-z0-9]+)?$")
_BAK_TARGET = ".~xlcs-target"  # inside a folder backup: the folder's own name


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_leftovers(folder: str | Path) -> list[Path]:
    """Remove temporary files of runs that were killed (their process is gone); restore a folder
    a killed commit had moved aside.  Returns what was removed."""
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for e in entries:
        m = _LEFTOVER.search(e.name)
        if not m or not e.name.startswith(TEMP_MARK) or _alive(int(m.group(1))):
            continue
        path = Path(e.path)
        try:
            if m.group(2) == "bak" and path.is_dir():
                marker = path / _BAK_TARGET
                original = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
                if original and not (folder / original).exists():
                    marker.unlink()
                    os.replace(path, folder / original)  # the commit was killed between its two renames
                    continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


# --------------------------------------------------------------------------------------
# the transaction
# --------------------------------------------------------------------------------------

_HAVE_TMPFILE = sys.platform.startswith("linux") and hasattr(os, "O_TMPFILE")


def _temp_name(folder: Path, kind: str) -> Path:
    return folder / f"{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}.{kind}"


def _fsync_dir(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass
class _Item:
    target: Path
    is_dir: bool = False
    fd: int | None = None  # anonymous O_TMPFILE inode (Linux)
    temp: Path | None = None  # named temporary file / folder in the target's folder
    backup: Path | None = None
    existed: bool = False
    placed: bool = False


@dataclass
class Outputs:
    """A set of output files written together: prepare them all, then :meth:`commit`.

    Use as a context manager: leaving the block without a commit (an exception, Ctrl-C)
    discards everything prepared, so the previous files stay exactly as they were.
    """

    _items: list[_Item] = field(default_factory=list)
    _swept: set[Path] = field(default_factory=set)
    committed: list[Path] = field(default_factory=list)
    _closed: bool = False

    def __enter__(self) -> "Outputs":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._closed:
            self.discard()

    # ---------------------------------------------------------------- preparing
    @property
    def targets(self) -> list[Path]:
        return [i.target for i in self._items]

    def _folder_of(self, target: Path) -> Path:
        folder = target.parent if str(target.parent) else Path(".")
        folder = folder.resolve()
        if folder not in self._swept:
            self._swept.add(folder)
            sweep_leftovers(folder)
        return folder

    def _new_item(self, target: str | Path, is_dir: bool = False) -> _Item:
        if self._closed:
            raise RuntimeError("this Outputs set was already committed or discarded")
        target = Path(os.path.abspath(target))
        if any(i.target == target for i in self._items):
            raise ValueError(f"{target} is written twice in one set of outputs")
        if target.is_dir() != is_dir and target.exists():
            kind = "folder" if target.is_dir() else "file"
            raise OutputError(f"could not write {target}: a {kind} of that name is in the way. "
                              "Nothing was changed.", target)
        item = _Item(target=target, is_dir=is_dir, existed=target.exists())
        self._items.append(item)
        return item

    def _open_temp(self, item: _Item) -> int:
        """An open, writable descriptor of the item's temporary file, with the right permissions."""
        folder = self._folder_of(item.target)
        fd = None
        if _HAVE_TMPFILE:
            try:
                fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
                item.fd = fd
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                    raise
                fd = None
        if fd is None:
            item.temp = _temp_name(folder, "tmp")
            fd = os.open(item.temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666)
        if item.existed:
            try:
                st = os.stat(item.target)
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, st.st_mode & 0o7777)
                if hasattr(os, "fchown"):
                    try:
                        os.fchown(fd, -1, st.st_gid)
                    except OSError:
                        pass
            except OSError:
                pass
        return fd

    def write_bytes(self, target: str | Path, data: bytes) -> Path:
        """Prepare ``target`` with ``data`` (written and flushed now, put in place by :meth:`commit`)."""
        item = self._new_item(target)
        try:
            fd = self._open_temp(item)
            try:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            finally:
                if item.fd is None:
                    os.close(fd)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise OutputError(_describe_failure(item.target, exc), item.target) from exc
            raise
        return item.target

    def write_text(self, target: str | Path, text: str, encoding: str = "utf-8", newline: str = "") -> Path:
        """Prepare a text file (no newline translation unless ``newline`` is given, e.g. ``"\\r\\n"``)."""
        if newline:
            text = text.replace("\r\n", "\n").replace("\n", newline)
        return self.write_bytes(target, text.encode(encoding))

    def save_workbook(self, target: str | Path, wb, *, cached_from: str | Path | None = None,
                      keep_sheets: Iterable[str] | None = None) -> Path:
        """Prepare an openpyxl workbook.  With ``cached_from`` (the file ``wb`` was loaded from), the
        formula cells of the sheets in ``keep_sheets`` (default: every sheet of that file) get their
        cached values back, so that the written file reads as the source did."""
        buf = io.BytesIO()
        try:
            wb.save(buf)  # (openpyxl spools each sheet through a temporary file of its own)
            data = buf.getvalue()
            if cached_from is not None:
                data = carry_cached_values(cached_from, data, keep_sheets)
        except BaseException as exc:
            self.discard()
            _collect_quietly(exc)  # openpyxl's half-run sheet writers would print "Exception ignored in …"
            if isinstance(exc, OSError):
                raise OutputError(_describe_failure(Path(target), exc), Path(target)) from exc
            raise
        return self.write_bytes(target, data)

    def write_folder(self, target: str | Path, files: Mapping[str, bytes | str]) -> Path:
        """Prepare a folder holding exactly ``files`` (name → content); it replaces the whole folder."""
        item = self._new_item(target, is_dir=True)
        try:
            folder = self._folder_of(item.target)
            item.temp = _temp_name(folder, "dir")
            os.mkdir(item.temp)  # mode 0777 less the umask, as any new folder
            if item.existed:
                try:
                    os.chmod(item.temp, os.stat(item.target).st_mode & 0o7777)
                except OSError:
                    pass
            for name, content in files.items():
                if "/" in name or "\\" in name or name in ("", ".", ".."):
                    raise ValueError(f"not a plain file name: {name!r}")
                data = content.encode("utf-8") if isinstance(content, str) else content
                fd = os.open(item.temp / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0),
                             0o666)
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise OutputError(_describe_failure(item.target, exc), item.target) from exc
            raise
        return item.target

    def temp_path(self, target: str | Path) -> Path:
        """A named temporary path beside ``target`` for a library that can only write to a path
        (keep the suffix: some libraries decide the format by it).  Write it before :meth:`commit`."""
        item = self._new_item(target)
        folder = self._folder_of(item.target)
        item.temp = folder / f"{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}.tmp{item.target.suffix}"
        return item.temp

    # ---------------------------------------------------------------- committing
    def commit(self) -> list[Path]:
        """Put every prepared file in place; on failure restore the previous ones and raise :class:`OutputError`."""
        if self._closed:
            raise RuntimeError("this Outputs set was already committed or discarded")
        items = self._items
        try:
            for it in items:  # give anonymous files a name in their folder
                if it.fd is not None:
                    it.temp = _temp_name(it.target.parent, "tmp")
                    _link_anonymous(it.fd, it.temp)
                    os.close(it.fd)
                    it.fd = None
                elif it.temp is None or not it.temp.exists():
                    raise OutputError(f"could not write {it.target}: it was never prepared.", it.target)
                elif not it.is_dir:
                    _fsync_path(it.temp)  # written by a library through temp_path()
                    if it.existed:
                        try:  # keep the target's permissions
                            os.chmod(it.temp, os.stat(it.target).st_mode & 0o7777)
                        except OSError:
                            pass
            for it in items:
                self._place(it)
        except BaseException as exc:
            failed = next((it.target for it in items if not it.placed), items[-1].target if items else Path("."))
            refused = isinstance(exc, OSError) and open_elsewhere(exc, failed)
            kept = self._keep_placed() if refused else []  # copies of the new files already in place
            self._rollback()
            if refused:
                kept += self._keep_prepared()  # the new results are not lost
                self.discard()
                raise OutputError(_describe_open_elsewhere(failed, kept), failed) from exc
            self.discard()
            if isinstance(exc, OSError):
                raise OutputError(_describe_failure(failed, exc), failed) from exc
            raise
        for it in items:  # the new files are in place: drop the backups
            if it.backup is not None:
                _remove(it.backup)
        for folder in {it.target.parent for it in items}:
            _fsync_dir(folder)
        self._closed = True
        self.committed = [it.target for it in items]
        return list(self.committed)

    def _place(self, it: _Item) -> None:
        assert it.temp is not None
        if it.is_dir:
            if it.target.exists():
                it.backup = _temp_name(it.target.parent, "bak")
                os.replace(it.target, it.backup)
                try:
                    (it.backup / _BAK_TARGET).write_text(it.target.name, encoding="utf-8")
                except OSError:
                    pass
            os.replace(it.temp, it.target)
        else:
            if it.target.exists():
                it.backup = _temp_name(it.target.parent, "bak")
                try:
                    os.link(it.target, it.backup)
                except OSError:
                    it.backup = None  # no hard links here: no rollback for this one
            os.replace(it.temp, it.target)
        it.temp = None
        it.placed = True

    def _keep_placed(self) -> list[Path]:
        """Copies, under "<name> (new).<ext>", of the files already put in place before the refusal
        (the rollback then puts the previous ones back)."""
        kept = []
        for it in self._items:
            if not it.placed:
                continue
            new = kept_name(it.target)
            try:
                if it.is_dir:
                    shutil.copytree(it.target, new)
                else:
                    shutil.copy2(it.target, new)
            except OSError:
                continue
            kept.append(new)
        return kept

    def _keep_prepared(self) -> list[Path]:
        """After a refused replacement (the target is open elsewhere): give every prepared file a
        visible name beside its target, "<name> (new).<ext>", instead of deleting it."""
        kept = []
        for it in self._items:
            if it.placed or it.temp is None or not it.temp.exists():
                continue
            new = kept_name(it.target)
            try:
                os.replace(it.temp, new)
            except OSError:
                continue
            it.temp = None
            kept.append(new)
        return kept

    def _rollback(self) -> None:
        for it in reversed(self._items):
            if not it.placed:
                continue
            try:
                if it.backup is not None:
                    if it.is_dir:
                        shutil.rmtree(it.target, ignore_errors=True)
                        (it.backup / _BAK_TARGET).unlink(missing_ok=True)
                    os.replace(it.backup, it.target)
                    it.backup = None
                elif not it.existed:
                    _remove(it.target)
            except OSError:
                pass
            it.placed = False

    def discard(self) -> None:
        """Forget everything prepared (nothing was put in place); no temporary file remains."""
        for it in self._items:
            if it.fd is not None:
                try:
                    os.close(it.fd)
                except OSError:
                    pass
                it.fd = None
            if it.temp is not None:
                _remove(it.temp)
                it.temp = None
            if it.backup is not None and not it.placed:
                _remove(it.backup)
        self._closed = True


def _collect_quietly(exc: BaseException) -> None:
    """Finalise the generators a failed library call abandoned (held by the traceback's frames) now,
    without their cleanup errors reaching the terminal."""
    import gc
    import traceback

    traceback.clear_frames(exc.__traceback__)
    old = sys.unraisablehook
    sys.unraisablehook = lambda _info: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = old


def _link_anonymous(fd: int, path: Path) -> None:
    """Give an ``O_TMPFILE`` inode the name ``path``.  (``linkat`` with ``AT_SYMLINK_FOLLOW`` on
    ``/proc/self/fd/N``: passing a directory descriptor makes Python call ``linkat``; plain
    ``link`` would try to link the /proc symlink itself and fail with EXDEV.)"""
    dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{fd}", path.name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=True)
    finally:
        os.close(dfd)


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


# --------------------------------------------------------------------------------------
# cached values of formula cells
# --------------------------------------------------------------------------------------

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name (``xl/worksheets/sheet1.xml``) of an .xlsx/.xlsm archive."""
    import xml.etree.ElementTree as ET

    wb_part = "xl/workbook.xml"
    try:
        root = ET.fromstring(zf.read("_rels/.rels"))
        for rel in root.iter(f"{{{_NS_PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                wb_part = rel.get("Target", wb_part).lstrip("/")
    except KeyError:
        pass
    base = wb_part.rsplit("/", 1)[0] if "/" in wb_part else ""
    rels_part = f"{base}/_rels/{wb_part.rsplit('/', 1)[-1]}.rels" if base else f"_rels/{wb_part}.rels"
    targets: dict[str, str] = {}
    for rel in ET.fromstring(zf.read(rels_part)).iter(f"{{{_NS_PKG_REL}}}Relationship"):
        t = rel.get("Target", "")
        targets[rel.get("Id", "")] = t.lstrip("/") if t.startswith("/") else (f"{base}/{t}" if base else t)
    out: dict[str, str] = {}
    wb = ET.fromstring(zf.read(wb_part))
    for sh in wb.iter(f"{{{_NS_MAIN}}}sheet"):
        rid = sh.get(f"{{{_NS_REL}}}id")
        if rid in targets:
            out[sh.get("name", "")] = _normpart(targets[rid])
    return out


def _normpart(p: str) -> str:
    parts: list[str] = []
    for seg in p.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)


def formula_cells(xml: bytes) -> dict[str, tuple[str | None, str | None]]:
    """Cell reference → (type attribute, cached value text or None) of every formula cell of a sheet part."""
    import xml.etree.ElementTree as ET

    out: dict[str, tuple[str | None, str | None]] = {}
    if b"<f" not in xml and b":f" not in xml:
        return out
    c_tag, f_tag, v_tag = f"{{{_NS_MAIN}}}c", f"{{{_NS_MAIN}}}f", f"{{{_NS_MAIN}}}v"
    for _ev, el in ET.iterparse(io.BytesIO(xml), events=("end",)):
        if el.tag == c_tag:
            f = el.find(f_tag)
            if f is not None:
                v = el.find(v_tag)
                out[el.get("r", "")] = (el.get("t"), v.text if v is not None else None)
            el.clear()
    return out


_OUT_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: [A-Za-z:]+="[^"]*")*)>(<f(?: [^>]*)?(?:/>|>.*?</f>))<v ?/></c>',
                       re.S)


def _xml_escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def carry_cached_values(source: str | Path, written: bytes, keep_sheets: Iterable[str] | None = None) -> bytes:
    """``written`` (an .xlsx just saved by openpyxl from ``source``) with the cached values of the
    formula cells of ``keep_sheets`` copied from ``source``.

    openpyxl keeps a formula but drops the value Excel last computed for it, so a file it saved
    reads as empty where the inputs were formulas.  Give only sheets copied unchanged from the
    source (never result sheets written anew: their old values would be stale).  A cell openpyxl
    did not write in its usual form is left as written; Excel recalculates on opening anyway.
    """
    try:
        with zipfile.ZipFile(source) as src:
            src_parts = sheet_parts(src)
            names = list(src_parts) if keep_sheets is None else [n for n in keep_sheets if n in src_parts]
            cached = {n: formula_cells(src.read(src_parts[n])) for n in names}
    except (OSError, zipfile.BadZipFile, KeyError):
        return written
    cached = {n: {r: tv for r, tv in cells.items() if tv[1] is not None} for n, cells in cached.items()}
    cached = {n: c for n, c in cached.items() if c}
    if not cached:
        return written
    zin = zipfile.ZipFile(io.BytesIO(written))
    out_parts = sheet_parts(zin)
    patched: dict[str, bytes] = {}
    for name, cells in cached.items():
        part = out_parts.get(name)
        if part is None:
            continue
        xml = zin.read(part)

        def fill(m: re.Match) -> bytes:
            ref = m.group(1).decode()
            hit = cells.get(ref)
            if hit is None:
                return m.group(0)
            t, v = hit
            attrs = re.sub(rb' t="[^"]*"', b"", m.group(2))
            if t in ("str", "b", "e"):
                attrs += b' t="' + t.encode() + b'"'
            elif t not in (None, "n"):
                return m.group(0)
            return b'<c r="' + m.group(1) + b'"' + attrs + b">" + m.group(3) + b"<v>" + _xml_escape(v or "") + b"</v></c>"

        patched[part] = _OUT_CELL.sub(fill, xml)
    if not patched:
        return written
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        for info in zin.infolist():
            data = patched.get(info.filename)
            zout.writestr(info, data if data is not None else zin.read(info.filename))
    return buf.getvalue()
