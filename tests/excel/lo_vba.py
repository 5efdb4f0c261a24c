"""Load a macro workbook in LibreOffice (headless, VBA compatibility) and call macros in it.

    /usr/bin/python3 tests/excel/lo_vba.py BOOK.xlsm '[["ConfSched", "ConfSched_PyStr", ["a"]], ...]'

Runs with the Python that has LibreOffice's UNO bridge (Debian: python3-uno).  Prints a JSON
object: the library's modules and, per call, "ok" (with the result) or the error LibreOffice
raised.  LibreOffice Basic compiles a whole module before it runs any of it, so a call tells
whether its module compiles; a runtime error inside (an Excel object LibreOffice lacks) still
means the module compiled.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import uno  # noqa: F401  (LibreOffice's bridge)
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA"><prop oor:name="Load" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA"><prop oor:name="Executable" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def main(path, calls):
    profile = tempfile.mkdtemp(prefix="xlcs_lo_")
    os.makedirs(os.path.join(profile, "user"))
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE)
    port = free_port()
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                               f"-env:UserInstallation=file://{profile}",
                               f"--accept=socket,host=127.0.0.1,port={port};urp;"],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "office.err"), "w"))
    out = {"modules": {}, "calls": []}
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        # a private copy: no lock file of another run can make LibreOffice refuse it
        copy = os.path.join(profile, os.path.basename(path))
        shutil.copy(path, copy)
        doc = None
        for _ in range(20):  # the desktop takes a moment before it loads documents
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(copy), "_blank", 0,
                                               (prop("Hidden", True), prop("MacroExecutionMode", 4)))
            if doc is not None:
                break
            time.sleep(1)
        if doc is None:
            raise SystemExit(f"LibreOffice could not load {path}")
        libs = doc.BasicLibraries
        out["vba_mode"] = bool(libs.VBACompatibilityMode)
        for name in libs.getElementNames():
            libs.loadLibrary(name)
            lib_ = libs.getByName(name)
            out["modules"][name] = list(lib_.getElementNames())
            if os.environ.get("XLCS_LO_SOURCE"):
                out.setdefault("source", {})[name] = {m: lib_.getByName(m) for m in lib_.getElementNames()}
        lib = next((n for n, mods in out["modules"].items() if mods), "Standard")
        out["library"] = lib
        provider = doc.getScriptProvider()
        for module, function, args in calls:
            url = f"vnd.sun.star.script:{lib}.{module}.{function}?language=Basic&location=document"
            try:
                result = provider.getScript(url).invoke(tuple(args), (), ())
                out["calls"].append({"call": f"{module}.{function}", "ok": True, "result": repr(result[0])})
            except Exception as exc:  # noqa: BLE001 - reported to the test
                out["calls"].append({"call": f"{module}.{function}", "ok": False,
                                     "error": getattr(exc, "Message", "") or str(exc)})
        try:
            out["A1"] = doc.Sheets.getByIndex(0).getCellByPosition(0, 0).getValue()
        except Exception:  # noqa: BLE001
            pass
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge goes away with the office
            pass
    finally:
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()
        try:
            with open(os.path.join(profile, "office.err")) as f:
                out["office_log"] = f.read()[-4000:]
        except OSError:
            pass
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
