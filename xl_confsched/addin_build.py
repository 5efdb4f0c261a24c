"""Build the Excel add-in (``.xlam``) and macro-enabled templates (``.xlsm``) on Linux.

    xl-confsched build-addin --output-dir dist

Everything is built from sources, nothing binary is committed:

* ``vba/*.bas`` — our VBA modules (the Conference ribbon callbacks);
* ``vba/customUI14.xml`` — the ribbon, added as the ``customUI/customUI14.xml`` part
  with its relationship in ``_rels/.rels``;
* the xlwings VBA module (``RunPython``) and its Mac ``Dictionary`` class are taken
  from the **installed** xlwings package at build time (BSD-licensed, not committed);
* ``vbaProject.bin`` is written by the ``ms-ovba`` package (``pip install
  "xl-confsched[build]"``).  ms-ovba writes side files (``*.bin``/``*.new``,
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
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO_VBA_DIR = Path(__file__).resolve().parents[1] / "vba"
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
    if not REPO_VBA_DIR.is_dir():
        raise BuildError(f"the VBA sources are not here: {REPO_VBA_DIR} (build from a checkout of the repository)")
    return REPO_VBA_DIR


def ribbon_xml() -> str:
    return (vba_dir() / RIBBON_FILE).read_text(encoding="utf-8")


def own_modules() -> list[VbaModule]:
    """Our .bas modules from vba/ (module name from their ``Attribute VB_Name``)."""
    mods = []
    for path in sorted(vba_dir().glob("*.bas")):
        code = path.read_text(encoding="utf-8")
        mods.append(VbaModule(module_name(code, path.stem), code, "std"))
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
        raise BuildError("building the add-in needs the ms-ovba package: pip install \"xl-confsched[build]\"") from exc

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
    ws["A2"] = "Install Python and the package first: pip install xl-confsched; then: xlwings config create --force"
    codes = _set_code_names(wb)
    with tempfile.TemporaryDirectory(prefix="xlcs_addin_") as d:
        base = Path(d) / "addin.xlsx"
        wb.save(base)
        modules = document_modules(codes) + own_modules() + xlwings_modules(addin=True)
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
        modules = document_modules(codes) + own_modules() + xlwings_modules(addin=False)
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
