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
            for p in sorted((REPO / "vba").glob("*.bas"))}
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


def test_every_python_call_of_the_macros_exists(built):
    code = extract(built[0])["ConfSched"]
    imports = re.findall(r'"import ([\w.]+) as (\w+); " & pyCall', code)
    assert imports == [("xl_confsched.excel", "x")]
    module = __import__(imports[0][0], fromlist=["_"])
    calls = re.findall(r'ConfSched_RunPython "x\.(\w+)\(([^"]*)', code)
    assert {c for c, _ in calls} >= {"solve", "check", "clear_results", "new_workbook", "import_functions"}
    for name, args in calls:
        fn = getattr(module, name)
        assert callable(fn)
        if args.endswith(")"):  # a complete call such as x.solve()
            inspect.signature(fn).bind(*eval(f"({args[:-1]},)" if args[:-1] else "()"))
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
