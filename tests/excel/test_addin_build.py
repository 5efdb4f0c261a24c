"""The add-in and macro-enabled templates built on Linux from vba/ — checked by taking them apart.

The VBA is extracted back with oletools' olevba, the ribbon XML is checked against the
shape of the customUI14 schema, every onAction must name a macro of the extracted VBA
with the ribbon callback signature, and every Python call the macros make must name an
importable entry point that accepts those arguments.
"""

from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("ms_ovba", reason="building the add-in needs ms-ovba (pip install -e .[test])")
from oletools.olevba import VBA_Parser  # noqa: E402

from xl_confsched import addin_build, excel  # noqa: E402
from xl_confsched.kinds import KINDS  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
NS = "{" + CUSTOMUI_NS + "}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[Path]:
    return addin_build.build_all(tmp_path_factory.mktemp("dist"))


def extract(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros(), f"no VBA found in {path.name}"
        return {name.rsplit(".", 1)[0]: code.replace("\r\n", "\n")
                for (_f, _s, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def without_attributes(code: str) -> str:
    return "\n".join(l for l in code.replace("\r\n", "\n").split("\n") if not l.startswith("Attribute VB_")).strip()


def test_builds_the_addin_and_a_blank_and_example_template_per_kind(built):
    names = sorted(p.name for p in built)
    assert addin_build.ADDIN_NAME in names
    for kind in KINDS:
        try:
            __import__(f"xl_confsched.{kind.name}.template")
        except ModuleNotFoundError:
            continue
        stem = addin_build.TEMPLATE_STEMS.get(kind.name, kind.name)
        assert {f"{stem}_blank.xlsm", f"{stem}_example.xlsm"} <= set(names)


def test_package_parts(built):
    for path in built:
        with zipfile.ZipFile(path) as z:
            parts = set(z.namelist())
            assert {"xl/vbaProject.bin", "customUI/customUI14.xml"} <= parts
            ct = z.read("[Content_Types].xml").decode()
            main = addin_build.CONTENT_TYPES["xlam" if path.suffix == ".xlam" else "xlsm"]
            assert f'PartName="/xl/workbook.xml" ContentType="{main}"' in ct
            assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in ct
            assert 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"' not in ct
            wb_rels = z.read("xl/_rels/workbook.xml.rels").decode()
            assert f'Type="{addin_build.VBA_REL_TYPE}" Target="vbaProject.bin"' in wb_rels
            rels = z.read("_rels/.rels").decode()
            assert f'Type="{addin_build.UI_REL_TYPE}" Target="customUI/customUI14.xml"' in rels
            ids = re.findall(r'Id="(rId\d+)"', rels)
            assert len(ids) == len(set(ids))
            # document modules exist for the code names the workbook parts carry
            code_names = set(re.findall(r'codeName="([^"]+)"', z.read("xl/workbook.xml").decode()))
            for name in parts:
                if name.startswith("xl/worksheets/sheet"):
                    code_names |= set(re.findall(r'codeName="([^"]+)"', z.read(name).decode()))
        modules = extract(path)
        assert code_names and code_names <= set(modules), (code_names, set(modules))


def test_vba_round_trips_from_sources(built):
    import xlwings

    xlw = Path(xlwings.__file__).resolve().parent
    ours = {addin_build.module_name(p.read_text(), p.stem): p.read_text()
            for p in sorted(addin_build.VBA_DIR.glob("*.bas"))}
    assert ours, "vba/ holds no .bas module"
    for path in built:
        modules = extract(path)
        for name, src in ours.items():
            assert without_attributes(modules[name]) == without_attributes(src), f"{name} in {path.name}"
        src = (xlw / ("xlwings_custom_addin.bas" if path.suffix == ".xlam" else "xlwings.bas")).read_text("latin-1")
        expected = re.sub(r'(PROJECT_NAME As String = )"[^"]*"', r'\1"xlwings"', src)
        assert without_attributes(modules["xlwings"]) == without_attributes(expected)
        cls = (xlw / "addin" / "Dictionary.cls").read_text("latin-1").replace("\r\n", "\n")
        cls = cls[cls.index("Attribute VB_Name"):]  # an exported class starts with VERSION/BEGIN/END
        assert without_attributes(modules["Dictionary"]) == without_attributes(cls)


def test_rebuilding_gives_the_same_vba_and_leaves_no_side_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a = addin_build.build_addin(tmp_path / "a" / "x.xlam")
    b = addin_build.build_addin(tmp_path / "b" / "x.xlam")
    assert extract(a) == extract(b)  # ms-ovba's appending side files would double the modules' text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


# ----------------------------------------------------------------------------- ribbon

# The part of the customUI14 schema this ribbon uses: children and attributes per element.
SCHEMA = {
    "customUI": ({"ribbon"}, {"onLoad"}),
    "ribbon": ({"tabs"}, {"startFromScratch"}),
    "tabs": ({"tab"}, set()),
    "tab": ({"group"}, {"id", "idQ", "label", "insertAfterMso", "insertBeforeMso", "visible", "keytip"}),
    "group": ({"button", "menu", "separator", "splitButton"},
              {"id", "idQ", "label", "imageMso", "screentip", "supertip", "visible"}),
    "menu": ({"button", "menuSeparator", "menu"},
             {"id", "label", "size", "imageMso", "screentip", "supertip", "itemSize", "enabled"}),
    "button": (set(), {"id", "label", "size", "imageMso", "screentip", "supertip", "onAction", "tag",
                       "enabled", "showImage", "keytip", "description"}),
    "menuSeparator": (set(), {"id", "title"}),
    "separator": (set(), {"id"}),
}
REQUIRED = {"tab": {"id", "label"}, "group": {"id", "label"}, "button": {"id", "label", "onAction"},
            "menu": {"id", "label"}, "menuSeparator": {"id"}}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def ribbon_of(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read("customUI/customUI14.xml"))


def test_ribbon_has_the_schema_shape(built):
    root = ribbon_of(built[0])
    assert root.tag == NS + "customUI"
    ids: list[str] = []

    def walk(el: ET.Element) -> None:
        assert el.tag.startswith(NS), f"{el.tag} is outside the customUI14 namespace"
        name = el.tag[len(NS):]
        assert name in SCHEMA, f"<{name}> is not used here"
        children, attrs = SCHEMA[name]
        assert set(el.attrib) <= attrs, f"<{name}> has unknown attributes {set(el.attrib) - attrs}"
        assert REQUIRED.get(name, set()) <= set(el.attrib), f"<{name}> lacks {REQUIRED[name] - set(el.attrib)}"
        for key in ("size", "itemSize"):
            if key in el.attrib:
                assert el.attrib[key] in ("normal", "large")
        if "id" in el.attrib:
            assert NCNAME.match(el.attrib["id"]) and len(el.attrib["id"]) <= 1024
            ids.append(el.attrib["id"])
        if "label" in el.attrib:
            assert 0 < len(el.attrib["label"]) <= 1024
        for child in el:
            assert child.tag[len(NS):] in children, f"<{child.tag[len(NS):]}> cannot be inside <{name}>"
            walk(child)

    walk(root)
    assert len(ids) == len(set(ids)), "control ids must be unique"
    tab = root.find(f"{NS}ribbon/{NS}tabs/{NS}tab")
    assert tab.attrib["label"] == "Conference"
    labels = {el.attrib.get("label") for el in root.iter()}
    assert {"Solve", "Check", "Clear results", "New workbook", "Settings"} <= labels


def _ribbon_callbacks(vba: str) -> set[str]:
    return set(re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)", vba, re.M))


def test_every_onaction_names_a_ribbon_macro(built):
    for path in built:
        modules = extract(path)
        callbacks = set().union(*(_ribbon_callbacks(code) for code in modules.values()))
        for el in ribbon_of(path).iter():
            if "onAction" in el.attrib:
                assert el.attrib["onAction"] in callbacks, f"{el.attrib['onAction']} missing in {path.name}"


def test_new_workbook_menu_items_name_kinds_with_templates(built):
    kinds = {k.name for k in KINDS}
    tags = [el.attrib["tag"] for el in ribbon_of(built[0]).iter() if el.attrib.get("onAction") == "ConfSched_OnNew"]
    assert {"csplib|blank", "csplib|example"} <= set(tags)
    for tag in tags:
        kind, variant = tag.split("|")
        assert kind in kinds and variant in ("blank", "example")
        # the call the macro builds from the tag binds to the entry point
        inspect.signature(excel.new_workbook).bind(kind, example=variant == "example")


def py_import(code: str) -> str:
    m = re.search(r'^Private Const PY_IMPORT As String = "(.*)"$', code, re.M)
    assert m, "PY_IMPORT is missing"
    return m.group(1).replace('""', '"')


def test_every_python_call_of_the_macros_exists(built):
    code = extract(built[0])["ConfSched"]
    assert re.search(r'RunPython PY_IMPORT & "x and x\." & pyCall', code)
    prelude = py_import(code)
    assert '"' not in prelude  # the Windows command line carries the call inside double quotes
    namespace: dict = {}
    exec(compile(prelude, "<PY_IMPORT>", "exec"), namespace)  # imports the entry points as x
    module = namespace["x"]
    assert module is excel
    calls = re.findall(r'ConfSched_RunPython[ (]"(\w+)\(([^"]*)', code)
    assert {c for c, _ in calls} >= {"start_solve", "collect_job", "check", "clear_results", "new_workbook"}
    for name, args in calls:
        fn = getattr(module, name)
        assert callable(fn)
        if args.endswith(")"):  # a complete call such as check()
            inspect.signature(fn).bind(*eval(f"({args[:-1]},)" if args[:-1] else "()"))
        else:  # a call completed with a path: start_solve(' & ConfSched_PyStr(jobDir) & ')
            inspect.signature(fn).bind("/some/job/folder")
    # RunPython itself comes from the xlwings module built into the same project
    assert re.search(r"^Public Function RunPython\(", extract(built[0])["xlwings"], re.M)


def test_project_stream_declares_each_module_kind(built):
    import io

    import olefile

    with zipfile.ZipFile(built[0]) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    project = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    assert "Module=ConfSched" in project and "Module=xlwings" in project
    assert "Class=Dictionary" in project
    assert any(line.startswith("Document=ThisWorkbook/") for line in project)
    assert any(line.startswith("Reference=") or line.startswith("ID=") for line in project)


# ----------------------------------------------------------------------------- generated parts

def test_new_workbook_menu_has_every_kind_with_a_template(built):
    tags = [el.attrib["tag"] for el in ribbon_of(built[0]).iter() if el.attrib.get("onAction") == "ConfSched_OnNew"]
    kinds = [k.name for k in addin_build.kinds_with_templates()]
    assert "assignment" in kinds or len(kinds) >= 4
    assert tags == [f"{k}|{v}" for k in kinds for v in ("blank", "example")]


def test_cell_functions_are_built_into_the_addin_and_call_xlwings(built):
    import inspect as _inspect

    from xl_confsched import udfs

    for path in built:
        code = extract(path)[addin_build.UDF_VBA_MODULE]
        assert without_attributes(code) == without_attributes(addin_build.udf_wrappers(path.suffix == ".xlam"))
        book = "ActiveWorkbook" if path.suffix == ".xlam" else "ThisWorkbook"
        for py_name in addin_build.UDF_FUNCTIONS:
            params = list(_inspect.signature(getattr(udfs, py_name)).parameters)
            assert params[-1] == "caller"
            m = re.search(rf'^Function {py_name.upper()}\(([^)]*)\)$', code, re.M)
            assert m and len([a for a in m.group(1).split(",") if a.strip()]) == len(params) - 1
            call = re.search(rf'XLPy\.CallUDF\("xl_confsched\.udfs", "{py_name}", Array\(([^)]*)\), (\w+), '
                             r'Application\.Caller\)', code)
            assert call and call.group(2) == book
            assert call.group(1).split(", ")[-1] == "Nothing"  # xlwings puts the calling range there
        assert "#If Mac Then" in code
        # the functions call XLPy, which the xlwings module of the same project defines
        assert re.search(r"^Function XLPy\(\)", extract(path)["xlwings"], re.M)


def test_the_addin_declares_the_installed_xlwings_dll():
    import xlwings

    names = addin_build.xlwings_dll_names()
    assert names == sorted({f"xlwings32-{xlwings.__version__}.dll", f"xlwings64-{xlwings.__version__}.dll"})


def test_install_and_remove_with_a_folder(tmp_path):
    from xl_confsched.cli import main

    folder = tmp_path / "XLSTART"
    assert main(["addin", "install", "--dir", str(folder)]) == 0
    addin = folder / addin_build.ADDIN_NAME
    assert addin.is_file() and "ConfSched" in extract(addin)
    assert sorted(p.name for p in folder.iterdir()) == [addin_build.ADDIN_NAME]  # no temporary file left
    assert main(["addin", "install", "--dir", str(folder)]) == 0  # again: replaced in place
    assert main(["addin", "remove", "--dir", str(folder)]) == 0
    assert not addin.exists()
    assert main(["addin", "remove", "--dir", str(folder)]) == 0  # nothing to remove: said, not an error


def test_configure_python_keeps_the_other_settings(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\\\old\\\\python.exe"\n"SHOW CONSOLE","True"\n')
    addin_build.configure_python(conf, "INTERPRETER_WIN", r"C:\Python312\python.exe")
    lines = conf.read_text().splitlines()
    assert lines == ['"SHOW CONSOLE","True"', '"INTERPRETER_WIN","C:\\Python312\\python.exe"']
    addin_build.configure_python(tmp_path / "new" / "xlwings.conf", "INTERPRETER_MAC", "/usr/bin/python3")
    assert (tmp_path / "new" / "xlwings.conf").read_text() == '"INTERPRETER_MAC","/usr/bin/python3"\n'


XLWINGS_GENERATOR = r"""
import io, json, sys, types
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):  # Windows-only imports of xlwings.udfs
    sys.modules[name] = types.ModuleType(name)
sys.modules["win32com.client"].Dispatch = None
sys.modules["pywintypes"].com_error = Exception
sys.modules["pythoncom"].CoInitialize = lambda: None
import xlwings.udfs as U
from xl_confsched import udfs
mod = types.ModuleType("xl_confsched.udfs")
for fn in ("confsched_score", "confsched_term", "confsched_conflicts"):
    setattr(mod, fn, U.xlfunc(getattr(udfs, fn)))
out = {}
for book in ("xl_confsched.xlam", "template.xlsm"):
    f = io.StringIO()
    U.generate_vba_wrapper("xl_confsched.udfs", mod, f, types.SimpleNamespace(Name=book))
    out[book] = f.getvalue()
print(json.dumps(out))
"""


def test_cell_function_wrappers_call_python_as_xlwings_own_import_would():
    """xlwings' own generator (import_udfs) run on our module — its Windows-only imports stubbed —
    calls each Python function with the same arguments, workbook and caller as our built wrappers."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", XLWINGS_GENERATOR], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    call = re.compile(r'(\w+) = XLPy\.CallUDF\("([\w.]+)", "(\w+)", (Array\([^)]*\)), (\w+), Application\.Caller\)')
    sig = re.compile(r"^Function (\w+)\(([^)]*)\)", re.M)
    for book, addin in (("xl_confsched.xlam", True), ("template.xlsm", False)):
        ours = addin_build.udf_wrappers(addin)
        their_calls = {m.group(3): m.groups()[1:] for m in call.finditer(theirs[book])}
        our_calls = {m.group(3): m.groups()[1:] for m in call.finditer(ours)}
        assert set(their_calls) == set(addin_build.UDF_FUNCTIONS) == set(our_calls)
        for fn in addin_build.UDF_FUNCTIONS:
            t_mod, t_fn, t_args, t_book = their_calls[fn]
            o_mod, o_fn, o_args, o_book = our_calls[fn]
            assert (o_mod, o_fn, o_book) == (t_mod, t_fn, t_book)
            # same number and order of arguments (our VBA names avoid VBA keywords such as Name)
            assert len(o_args.split(",")) == len(t_args.split(",")) and o_args.endswith("Nothing)") \
                and t_args.endswith("Nothing)")
        their_sigs = {n.lower(): a for n, a in sig.findall(theirs[book])}
        our_sigs = {n.lower(): a for n, a in sig.findall(ours)}
        assert {k: len(v.split(",")) for k, v in their_sigs.items()} == {k: len(v.split(",")) for k, v in our_sigs.items()}


# Built-in Excel commands whose icons the ribbon borrows, each with where Excel itself shows it.
# (A complete list of Excel's image names is not available offline; this list is checked by hand
# against Excel's own ribbon and keeps icons of other Office programs — Outlook's AcceptInvitation
# was one — out of the Conference tab.)
EXCEL_IMAGES = {
    "GoalSeek": "Data > What-If Analysis > Goal Seek",
    "FileClose": "File > Close",
    "TraceError": "Formulas > Error Checking > Trace Error",
    "WebPagePreview": "Web Page Preview (File commands)",
    "ClearAll": "Home > Clear > Clear All",
    "FileNew": "File > New",
    "ControlProperties": "Developer > Properties",
    "FunctionWizard": "Formulas > Insert Function",
    "Help": "Help",
}


def test_ribbon_icons_are_excel_commands(built):
    used = {el.attrib["imageMso"] for el in ribbon_of(built[0]).iter() if "imageMso" in el.attrib}
    assert used <= set(EXCEL_IMAGES), used - set(EXCEL_IMAGES)
    assert "AcceptInvitation" not in used
