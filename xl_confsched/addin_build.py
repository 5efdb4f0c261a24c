"""Build the Excel add-in (``.xlam``) and macro-enabled templates (``.xlsm``) — on any OS — and
install the add-in where Excel loads add-ins at start-up.

    xl-confsched addin install [--dir FOLDER]     # build against the installed xlwings, put it in XLSTART
    xl-confsched addin remove [--dir FOLDER]
    xl-confsched build-addin --output-dir dist    # the add-in and the .xlsm templates, for distribution

Everything is built from sources shipped inside the package (``xl_confsched/vba/``), nothing
binary is committed, and the build needs no repository checkout:

* ``vba/*.bas`` — our VBA modules (the Conference ribbon callbacks);
* ``vba/customUI14.xml`` — the ribbon, added as the ``customUI/customUI14.xml`` part
  with its relationship in ``_rels/.rels``; its New workbook menu is generated from the
  registry of workbook kinds (every kind with a template gets a blank and an example item);
* the cell functions' VBA wrappers (module ``ConfSchedFunctions``), generated from
  :mod:`xl_confsched.udfs` as xlwings' own UDF import would, so that ``=CONFSCHED_SCORE(…)``
  works in every workbook while the add-in is loaded (no import into the organiser's book,
  no "Trust access to the VBA project");
* the xlwings VBA module (``RunPython``) and its Mac ``Dictionary`` class are taken
  from the **installed** xlwings package at build time (BSD-licensed, not committed);
* ``vbaProject.bin`` is written by the ``ms-ovba`` package (a normal dependency).  ms-ovba
  writes side files (``*.bin``/``*.new``,
  ``dir.bin``, ``fatChain.bin``…) into the current directory and *appends* to them
  on later runs, so each project is built from copies in a fresh temporary
  directory and only the finished ``vbaProject.bin`` is kept;
* the workbook parts come from openpyxl (an add-in sheet for the ``.xlam``; each
  kind's own ``template.blank_workbook`` / ``example_workbook`` for the ``.xlsm``),
  with the code names of the document modules set on the workbook and its sheets.

What this cannot do on Linux is open the result in Excel: the files are checked by
extracting the VBA back with oletools' ``olevba`` (tests/excel).
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

VBA_DIR = Path(__file__).resolve().parent / "vba"  # package data: in the wheel and the sdist
RIBBON_FILE = "customUI14.xml"
ADDIN_NAME = "xl_confsched.xlam"
ADDIN_SHEET = "xl_confsched"

# The xlwings config files the xlwings VBA reads: keep the standard name so that
# `xlwings config create` (which records the current Python interpreter) just works.
XLWINGS_PROJECT_NAME = "xlwings"

CONTENT_TYPES = {
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

# Type library GUIDs of the Excel document modules (workbook, worksheet).
_WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")
_SHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")

_lock = threading.Lock()  # ms-ovba works in the current directory


class BuildError(RuntimeError):
    """The add-in cannot be built here (missing package or source)."""


@dataclass
class VbaModule:
    """One VBA module: ``std`` (.bas), ``class`` (.cls) or ``document`` (ThisWorkbook/SheetN)."""

    name: str
    code: str
    type: Literal["std", "class", "document"] = "std"


# --------------------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------------------

def vba_dir() -> Path:
    if not (VBA_DIR / RIBBON_FILE).is_file():
        raise BuildError(f"the VBA sources are missing from the installed package ({VBA_DIR}); "
                         "reinstall it: pip install --force-reinstall xl-confsched")
    return VBA_DIR


def ribbon_xml() -> str:
    """The ribbon, with the New workbook menu generated from the kinds that have a template."""
    xml = (vba_dir() / RIBBON_FILE).read_text(encoding="utf-8")
    m = re.search(r'(<menu id="xlcsNewMenu"[^>]*>)(.*?)(</menu>)', xml, re.S)
    if m is None:
        return xml
    labels = dict((tag, label) for label, tag in re.findall(r'label="([^"]*)" tag="([^"]*)"', m.group(2)))
    return xml[:m.start(2)] + new_menu_items(labels) + "\n          " + xml[m.end(2):]


def kinds_with_templates() -> list:
    from .kinds import KINDS

    out = []
    for kind in KINDS:
        try:
            importlib.import_module(f"xl_confsched.{kind.name}.template")
        except ModuleNotFoundError:
            continue
        out.append(kind)
    return out


def new_menu_items(labels: dict[str, str] | None = None) -> str:
    """Two items per kind with a template ("kind|blank", "kind|example" in the tag), a separator between
    kinds; the label written for that tag in vba/customUI14.xml, else one made from the kind's title."""
    from xml.sax.saxutils import quoteattr, unescape

    labels = labels or {}
    lines = []
    for i, kind in enumerate(kinds_with_templates()):
        if i:
            lines.append(f'<menuSeparator id="xlcsNewSep{i}"/>')
        title = kind.title[:1].upper() + kind.title[1:]
        ident = "".join(w.capitalize() for w in re.findall(r"[A-Za-z0-9]+", kind.name))
        for variant in ("blank", "example"):
            tag = f"{kind.name}|{variant}"
            label = unescape(labels.get(tag, f"{title} ({variant})"))
            lines.append(f'<button id="xlcsNew{ident}{variant.capitalize()}" label={quoteattr(label)} '
                         f'tag="{tag}" onAction="ConfSched_OnNew"/>')
    return "".join("\n            " + line for line in lines)


# --------------------------------------------------------------------------------------
# the cell functions' VBA wrappers (what xlwings' import_udfs writes, built here)
# --------------------------------------------------------------------------------------

UDF_MODULE = "xl_confsched.udfs"
UDF_VBA_MODULE = "ConfSchedFunctions"
UDF_FUNCTIONS = ("confsched_score", "confsched_term", "confsched_conflicts")
VBA_KEYWORDS = {"name", "type", "date", "time", "string", "end", "set", "let", "get", "property", "open", "close",
                "input", "print", "error", "mod", "not", "and", "or", "is", "to", "step", "len", "val"}
MAC_MESSAGE = ("#CONFSCHED: cell functions need Excel for Windows; the Live checks sheet gives the same "
               "numbers")


def udf_wrappers(addin: bool) -> str:
    """VBA functions CONFSCHED_SCORE, CONFSCHED_TERM, CONFSCHED_CONFLICTS that call the Python
    functions of :mod:`xl_confsched.udfs` through xlwings' ``XLPy.CallUDF``, as the wrappers that
    ``xlwings.import_udfs`` writes (tests/excel compares the two): the argument list in the order
    of the Python signature, ``Nothing`` for ``caller`` (xlwings puts the calling range there),
    ``ActiveWorkbook`` in an add-in and ``ThisWorkbook`` in a workbook.  In Excel for Mac, which
    has no xlwings cell functions, each returns one sentence instead of an error."""
    import inspect

    from . import udfs

    book = "ActiveWorkbook" if addin else "ThisWorkbook"
    out = [f'Attribute VB_Name = "{UDF_VBA_MODULE}"',
           "' The cell functions of xl_confsched (generated from xl_confsched/udfs.py by addin_build.py).",
           "Option Explicit", ""]
    for py_name in UDF_FUNCTIONS:
        fn = getattr(udfs, py_name)
        params = [p if p == "caller" or p.lower() not in VBA_KEYWORDS else "the_" + p
                  for p in inspect.signature(fn).parameters]
        visible = [p for p in params if p != "caller"]
        vba_args = ", ".join("Nothing" if p == "caller" else p for p in params)
        name = py_name.upper()
        out += [f"Function {name}({', '.join(visible)})",
                '    If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function',
                "#If Mac Then",
                f'    {name} = "{MAC_MESSAGE}"',
                "#Else",
                "    If TypeOf Application.Caller Is Range Then On Error GoTo failed",
                f'    {name} = XLPy.CallUDF("{UDF_MODULE}", "{py_name}", Array({vba_args}), {book}, Application.Caller)',
                "    Exit Function",
                "failed:",
                f"    {name} = Err.Description",
                "#End If",
                "End Function",
                ""]
    return "\n".join(out)


def own_modules(addin: bool = True) -> list[VbaModule]:
    """Our .bas modules from vba/ (module name from their ``Attribute VB_Name``) and the cell functions."""
    mods = []
    for path in sorted(vba_dir().glob("*.bas")):
        code = path.read_text(encoding="utf-8")
        mods.append(VbaModule(module_name(code, path.stem), code, "std"))
    mods.append(VbaModule(UDF_VBA_MODULE, udf_wrappers(addin), "std"))
    return mods


def module_name(code: str, default: str) -> str:
    m = re.search(r'^Attribute VB_Name = "([^"]+)"', code, re.M)
    return m.group(1) if m else default


def xlwings_modules(addin: bool) -> list[VbaModule]:
    """The xlwings VBA (RunPython…) from the installed xlwings, plus its Mac Dictionary class.

    The add-in gets xlwings' *custom add-in* variant (works on the ActiveWorkbook);
    a template gets the standalone module (works on ThisWorkbook).
    """
    import xlwings

    root = Path(xlwings.__file__).resolve().parent
    src = root / ("xlwings_custom_addin.bas" if addin else "xlwings.bas")
    dictionary = root / "addin" / "Dictionary.cls"
    for p in (src, dictionary):
        if not p.exists():
            raise BuildError(f"the installed xlwings {xlwings.__version__} has no {p.name}; cannot take its VBA module")
    code = src.read_text(encoding="latin-1")
    code = re.sub(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{XLWINGS_PROJECT_NAME}"', code)
    cls = dictionary.read_text(encoding="latin-1")
    return [VbaModule("xlwings", code, "std"), VbaModule("Dictionary", _strip_class_header(cls), "class")]


def _strip_class_header(code: str) -> str:
    """Drop the ``VERSION 1.0 CLASS / BEGIN … END`` lines of an exported .cls file."""
    lines = code.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("Attribute VB_Name"):
            return "\n".join(lines[i:])
    return code


# --------------------------------------------------------------------------------------
# MS-OVBA compression (used instead of ms-ovba-compression's, see below)
# --------------------------------------------------------------------------------------

def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` in a chunk (MS-OVBA 2.4.1.3.19.1)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)

    def remember(start: int, stop: int) -> None:
        for k in range(start, min(stop, n - 2)):
            heads.setdefault(chunk[k:k + 3], []).append(k)

    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            bits = _bit_count(pos)
            max_len = (0xFFFF >> bits) + 3
            best_len, best_off = 0, 0
            for cand in reversed(heads.get(chunk[pos:pos + 3], ())):
                length = 0
                limit = min(max_len, n - pos)
                while length < limit and chunk[cand + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - cand
                    if length == limit:
                        break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                remember(pos, pos + best_len)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos, pos + 1)
                pos += 1
        out[flag_at] = flags
    if len(out) > 4096:  # incompressible: a raw chunk (only a full 4096-byte chunk gets here)
        return (0x3FFF).to_bytes(2, "little") + chunk.ljust(4096, b"\x00")
    return (0xB000 | (len(out) - 1)).to_bytes(2, "little") + bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression of a VBA source stream.

    ms-ovba-compression 1.0.1 computes the maximum copy length as
    ``0xFFFF << bit_count + 3`` (operator precedence) instead of
    ``(0xFFFF >> bit_count) + 3``, so long repeats overflow into the offset bits and
    the module text comes out garbled; this is the spec's algorithm, with a hash of
    3-byte prefixes to find matches.
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        out += _compress_chunk(data[start:start + 4096])
    return bytes(out)


# --------------------------------------------------------------------------------------
# vbaProject.bin (ms-ovba)
# --------------------------------------------------------------------------------------

def _doc_module_code(name: str, guid: uuid.UUID) -> str:
    return "\n".join([
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "0{{{str(guid).upper()}}}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
        "",
    ])


def document_modules(sheet_code_names: list[str]) -> list[VbaModule]:
    mods = [VbaModule("ThisWorkbook", _doc_module_code("ThisWorkbook", _WORKBOOK_GUID), "document")]
    mods += [VbaModule(n, _doc_module_code(n, _SHEET_GUID), "document") for n in sheet_code_names]
    return mods


def vba_project_bin(modules: list[VbaModule]) -> bytes:
    """Compile the modules' source into a ``vbaProject.bin`` (source only; Excel compiles on load)."""
    try:
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
        from ms_ovba.Models.Fields.libid_reference import LibidReference
        from ms_ovba.Views.project_ole_file import ProjectOleFile
        from ms_ovba.vbaProject import VbaProject
        from ms_ovba_compression.ms_ovba import MsOvba
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BuildError("building the add-in needs the ms-ovba package (a dependency of xl-confsched): "
                         "pip install --force-reinstall xl-confsched") from exc

    class ClassModule(DocModule):
        """A class module: stored like a document module, listed as ``Class=`` in PROJECT."""

        def to_project_module_string(self) -> str:
            return "Class=" + self.modName.value

    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise BuildError(f"duplicate VBA module names: {names}")

    with _lock:
        old_cwd = os.getcwd()
        old_compress = MsOvba.compress
        work = Path(tempfile.mkdtemp(prefix="xlcs_vba_"))
        try:
            os.chdir(work)
            MsOvba.compress = lambda self, data: ovba_compress(bytes(data))
            project = VbaProject()
            project.project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xl_confsched/vbaProject")).upper() + "}"
            for m in modules:
                if m.type == "std":
                    mod = StdModule(m.name)
                elif m.type == "class":
                    mod = ClassModule(m.name)
                else:
                    mod = DocModule(m.name)
                base = work / f"module_{len(project.modules)}"
                mod.add_file(str(base))
                # ms-ovba reads "<file>.new" (CRLF, code page 1252); write it fresh ourselves
                # instead of its normalize_file(), which appends to an existing .new file.
                code = m.code.replace("\r\n", "\n").rstrip("\n") + "\n"
                Path(str(base) + ".new").write_bytes(code.replace("\n", "\r\n").encode("cp1252", "replace"))
                project.add_module(mod)
            stdole = LibidReference(uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
                                    "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation")
            office = LibidReference(uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
                                    r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
                                    "Microsoft Office 16.0 Object Library")
            project.add_reference(Reference(ReferenceRegistered(stdole), "stdole"))
            project.add_reference(Reference(ReferenceRegistered(office), "Office"))  # IRibbonControl
            ProjectOleFile.write_file(project)
            return (work / "vbaProject.bin").read_bytes()
        finally:
            MsOvba.compress = old_compress
            os.chdir(old_cwd)
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------
# OOXML packaging
# --------------------------------------------------------------------------------------

def _add_override(content_types: str, part: str, ctype: str) -> str:
    content_types = re.sub(rf'<Override[^>]*PartName="{re.escape(part)}"[^>]*/>', "", content_types)
    return content_types.replace("</Types>", f'<Override PartName="{part}" ContentType="{ctype}"/></Types>')


def _add_default(content_types: str, ext: str, ctype: str) -> str:
    if re.search(rf'<Default[^>]*Extension="{ext}"', content_types):
        return content_types
    return re.sub(r"(<Types[^>]*>)", rf'\1<Default Extension="{ext}" ContentType="{ctype}"/>', content_types, count=1)


def _add_relationship(rels: str, rel_type: str, target: str) -> str:
    if f'Type="{rel_type}"' in rels:
        rels = re.sub(rf'<Relationship[^>]*Type="{re.escape(rel_type)}"[^>]*/>', "", rels)
    ids = {int(m) for m in re.findall(r'Id="rId(\d+)"', rels)}
    rid = f"rId{max(ids, default=0) + 1}"
    return rels.replace("</Relationships>",
                        f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/></Relationships>')


def package_macro_workbook(xlsx: Path, out: Path, vba_bin: bytes, ribbon: str | None,
                           fmt: Literal["xlsm", "xlam"]) -> Path:
    """Copy the ``.xlsx`` package ``xlsx`` to ``out`` with the VBA project and the ribbon added."""
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for name in names:
            if name in ("xl/vbaProject.bin", "customUI/customUI14.xml"):
                continue
            data = zin.read(name)
            if name == "[Content_Types].xml":
                text = data.decode("utf-8")
                text = _add_override(text, "/xl/workbook.xml", CONTENT_TYPES[fmt])
                text = _add_default(text, "bin", VBA_CONTENT_TYPE)
                data = text.encode("utf-8")
            elif name == "xl/_rels/workbook.xml.rels":
                data = _add_relationship(data.decode("utf-8"), VBA_REL_TYPE, "vbaProject.bin").encode("utf-8")
            elif name == "_rels/.rels" and ribbon is not None:
                data = _add_relationship(data.decode("utf-8"), UI_REL_TYPE, "customUI/customUI14.xml").encode("utf-8")
            zout.writestr(zin.getinfo(name), data)
        zout.writestr("xl/vbaProject.bin", vba_bin)
        if ribbon is not None:
            zout.writestr("customUI/customUI14.xml", ribbon.encode("utf-8"))
    os.replace(tmp, out)
    return out


def _set_code_names(wb) -> list[str]:
    """Give the workbook and every sheet the code names of their document modules."""
    wb.code_name = "ThisWorkbook"
    names = []
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
        names.append(f"Sheet{i}")
    return names


def build_addin(out: Path) -> Path:
    """The ``.xlam``: the Conference ribbon, our module and xlwings' custom add-in VBA."""
    from openpyxl import Workbook

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = ADDIN_SHEET
    ws["A1"] = "xl_confsched add-in: the Conference ribbon tab."
    ws["A2"] = "Installed by: xl-confsched addin install (it also tells Excel which Python to use)."
    codes = _set_code_names(wb)
    with tempfile.TemporaryDirectory(prefix="xlcs_addin_") as d:
        base = Path(d) / "addin.xlsx"
        wb.save(base)
        modules = document_modules(codes) + own_modules(addin=True) + xlwings_modules(addin=True)
        return package_macro_workbook(base, out, vba_project_bin(modules), ribbon_xml(), "xlam")


def build_template(xlsx: Path, out: Path) -> Path:
    """A macro-enabled copy of the workbook ``xlsx`` with the ribbon and the standalone xlwings VBA."""
    from openpyxl import load_workbook

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = load_workbook(xlsx)
    codes = _set_code_names(wb)
    with tempfile.TemporaryDirectory(prefix="xlcs_tpl_") as d:
        base = Path(d) / "template.xlsx"
        wb.save(base)
        modules = document_modules(codes) + own_modules(addin=False) + xlwings_modules(addin=False)
        return package_macro_workbook(base, out, vba_project_bin(modules), ribbon_xml(), "xlsm")


TEMPLATE_STEMS = {"csplib": "conference"}


def build_all(output_dir: Path) -> list[Path]:
    """The add-in plus a blank and an example ``.xlsm`` for every kind that has a template."""
    from .kinds import KINDS

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    built = [build_addin(output_dir / ADDIN_NAME)]
    with tempfile.TemporaryDirectory(prefix="xlcs_templates_") as d:
        for kind in KINDS:
            try:
                mod = importlib.import_module(f"xl_confsched.{kind.name}.template")
            except ModuleNotFoundError:
                continue
            stem = TEMPLATE_STEMS.get(kind.name, kind.name)
            for label, fn in (("blank", mod.blank_workbook), ("example", mod.example_workbook)):
                xlsx = Path(fn(Path(d) / f"{stem}_{label}.xlsx"))
                built.append(build_template(xlsx, output_dir / f"{stem}_{label}.xlsm"))
    return built


# --------------------------------------------------------------------------------------
# installing the add-in where Excel loads add-ins at start-up
# --------------------------------------------------------------------------------------

def startup_folder() -> Path:
    """The user's Excel start-up folder: every workbook in it opens with Excel (XLSTART)."""
    home = Path.home()
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only (not exercised here)
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":  # pragma: no cover - macOS only (not exercised here)
        office = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
        localized = office / "User Content.localized" / "Startup.localized" / "Excel"
        plain = office / "User Content" / "Startup" / "Excel"
        return plain if (office / "User Content").is_dir() and not (office / "User Content.localized").is_dir() \
            else localized
    raise BuildError("there is no Excel on this system to find a start-up folder for: give one with --dir FOLDER")


def xlwings_dll_names() -> list[str]:
    """The DLL names the xlwings VBA of the installed xlwings declares (they must match its Python package)."""
    code = xlwings_modules(addin=True)[0].code
    return sorted(set(re.findall(r'Lib "(xlwings(?:32|64)-[^"]+\.dll)"', code)))


def configure_python(config_file: Path, key: str, executable: str) -> Path:
    """Tell Excel which Python to use: set ``key`` (INTERPRETER_WIN / INTERPRETER_MAC) in xlwings'
    user config file, keeping every other setting in it (what ``xlwings config create`` does
    for a new file)."""
    config_file = Path(config_file)
    lines = config_file.read_text(encoding="utf-8").splitlines() if config_file.exists() else []
    entry = f'"{key}","{executable}"'
    kept = [line for line in lines if not line.startswith(f'"{key}",')]
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text("\n".join(kept + [entry]) + "\n", encoding="utf-8")
    return config_file


def _applescript() -> Path | None:  # pragma: no cover - macOS only (not exercised here)
    """macOS: xlwings' RunPython goes through an AppleScript in Excel's script folder (what
    ``xlwings runpython install`` copies)."""
    import xlwings

    source = Path(xlwings.__file__).resolve().parent / f"xlwings-{xlwings.__version__}.applescript"
    folder = Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / source.name)
    return folder / source.name


@dataclass
class Installed:
    addin: Path
    xlwings_version: str
    dlls: list[str]
    config: Path | None = None
    applescript: Path | None = None

    def describe(self) -> str:
        lines = [f"Installed the Conference add-in: {self.addin}",
                 f"  built against the installed xlwings {self.xlwings_version} ({', '.join(self.dlls)})"]
        if self.config is not None:
            lines.append(f"  Excel will use this Python: {sys.executable} (set in {self.config})")
        if self.applescript is not None:
            lines.append(f"  RunPython enabled for Excel on macOS: {self.applescript}")
        lines.append("Restart Excel: the Conference tab appears on the ribbon.")
        return "\n".join(lines)


def install(folder: str | Path | None = None, configure: bool | None = None) -> Installed:
    """Build the add-in against the xlwings installed right now and put it in ``folder`` (default:
    Excel's start-up folder); tell Excel which Python to use (default: when installing there)."""
    import xlwings

    from .writing import OutputError, Outputs

    default = folder is None
    folder = startup_folder() if default else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ADDIN_NAME
    try:
        with Outputs() as out:
            build_addin(out.temp_path(target))
            out.commit()
    except OutputError as exc:
        raise BuildError(f"{exc} If Excel is running with the add-in loaded, close Excel and run this again.") from exc
    done = Installed(target, xlwings.__version__, xlwings_dll_names())
    if configure if configure is not None else default:  # pragma: no cover - on Windows / macOS only
        key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
        done.config = configure_python(Path(xlwings.USER_CONFIG_FILE), key, sys.executable)
        if sys.platform == "darwin":
            done.applescript = _applescript()
    return done


def remove(folder: str | Path | None = None) -> Path | None:
    """Take the add-in out of ``folder`` (default: Excel's start-up folder); None when it was not there."""
    folder = startup_folder() if folder is None else Path(folder)
    target = folder / ADDIN_NAME
    if not target.exists():
        return None
    try:
        target.unlink()
    except PermissionError as exc:  # pragma: no cover - Windows: Excel has it open
        raise BuildError(f"could not remove {target}: it is in use. Close Excel and run this again.") from exc
    return target
