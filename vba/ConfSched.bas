Attribute VB_Name = "ConfSched"
' xl_confsched: the Conference ribbon tab.
'
' Every button calls one Python entry point of xl_confsched.excel through xlwings'
' RunPython (the xlwings VBA module is added to the add-in / template at build time
' from the installed xlwings package).  The Python side reads the active workbook,
' writes the result sheets and the Status sheet, and shows the final message; this
' module only shows progress in the status bar and keeps the Settings.
'
' Settings are stored in the organiser's workbook as hidden defined names
' (xlcs_model, xlcs_time_limit, xlcs_solver, xlcs_hard_rules) so they travel with the file.
Option Explicit

Private Const SETTING_PREFIX As String = "xlcs_"
Private Const DEFAULT_TIME_LIMIT As String = "60"
Private Const DEFAULT_SOLVER As String = "cbc"

' ---------------------------------------------------------------- ribbon buttons

Public Sub ConfSched_OnSolve(control As IRibbonControl)
    ConfSched_RunPython "x.solve()", "solving the workbook (see the status bar for progress)..."
End Sub

Public Sub ConfSched_OnCheck(control As IRibbonControl)
    ConfSched_RunPython "x.check()", "checking the inputs and the schedule..."
End Sub

' The programme as a web page and calendars, in a folder next to the saved workbook.
Public Sub ConfSched_OnPublish(control As IRibbonControl)
    ConfSched_RunPython "x.publish()", "publishing the programme (web page and calendars)..."
End Sub

Public Sub ConfSched_OnClear(control As IRibbonControl)
    If MsgBox("Remove the result sheets of this workbook? Input sheets are kept.", _
              vbOKCancel + vbQuestion, "Conference") <> vbOK Then Exit Sub
    ConfSched_RunPython "x.clear_results()", "removing the result sheets..."
End Sub

' The New workbook menu: every item carries "kind|blank" or "kind|example" in its tag.
Public Sub ConfSched_OnNew(control As IRibbonControl)
    Dim parts() As String
    parts = Split(control.Tag, "|")
    If UBound(parts) <> 1 Then Exit Sub
    ConfSched_RunPython "x.new_workbook('" & parts(0) & "', example=" & _
        IIf(parts(1) = "example", "True", "False") & ")", "writing a new workbook..."
End Sub

Public Sub ConfSched_OnSettings(control As IRibbonControl)
    ConfSched_EditSettings
End Sub

' Makes =CONFSCHED_SCORE(...) and the other cell functions available (Windows:
' uses xlwings' own UDF import, which needs "Trust access to the VBA project").
Public Sub ConfSched_OnImportFunctions(control As IRibbonControl)
    ConfSched_RunPython "x.import_functions()", "importing the cell functions..."
End Sub

Public Sub ConfSched_OnHelp(control As IRibbonControl)
    MsgBox "1. Fill the input sheets (or start from New workbook > example)." & vbLf & _
           "2. Settings: model, time limit and solver." & vbLf & _
           "3. Solve: result sheets are written next to the inputs." & vbLf & _
           "4. Edit the schedule by hand: the violation formulas update at once." & vbLf & _
           "5. Check: recomputes every term; problems are listed on the Status sheet.", _
           vbInformation, "Conference"
End Sub

' ---------------------------------------------------------------- Python calls

Private Sub ConfSched_RunPython(ByVal pyCall As String, ByVal busy As String)
    If ActiveWorkbook Is Nothing And InStr(pyCall, "new_workbook") = 0 Then
        MsgBox "Open the workbook to plan first.", vbExclamation, "Conference"
        Exit Sub
    End If
    Application.StatusBar = "Conference: " & busy
    Application.Cursor = xlWait
    On Error GoTo Failed
    RunPython "import xl_confsched.excel as x; " & pyCall
    Application.Cursor = xlDefault
    Application.StatusBar = False
    Exit Sub
Failed:
    Application.Cursor = xlDefault
    Application.StatusBar = False
    MsgBox "Python could not be started: " & Err.Description & vbLf & _
           "Install it with: pip install xl-confsched, then run: xlwings config create --force", _
           vbCritical, "Conference"
End Sub

' ---------------------------------------------------------------- Settings

Public Function ConfSched_GetSetting(wb As Workbook, ByVal key As String, ByVal default As String) As String
    Dim s As String
    On Error GoTo NotSet
    s = wb.Names(SETTING_PREFIX & key).RefersTo
    On Error GoTo 0
    ' stored as ="text"
    If Left$(s, 1) = "=" Then s = Mid$(s, 2)
    If Left$(s, 1) = """" And Right$(s, 1) = """" And Len(s) >= 2 Then s = Mid$(s, 2, Len(s) - 2)
    ConfSched_GetSetting = Replace(s, """""", """")
    Exit Function
NotSet:
    ConfSched_GetSetting = default
End Function

Public Sub ConfSched_PutSetting(wb As Workbook, ByVal key As String, ByVal value As String)
    wb.Names.Add Name:=SETTING_PREFIX & key, _
                 RefersTo:="=""" & Replace(value, """", """""") & """", Visible:=False
End Sub

Private Sub ConfSched_EditSettings()
    Dim wb As Workbook, v As Variant, solver As String
    Set wb = ActiveWorkbook
    If wb Is Nothing Then
        MsgBox "Open the workbook to plan first.", vbExclamation, "Conference"
        Exit Sub
    End If

    v = Application.InputBox("Model variant (empty = the default of the workbook kind;" & vbLf & _
        "conference schedules: full, exact or extended):", "Conference settings (1/4)", _
        ConfSched_GetSetting(wb, "model", ""), Type:=2)
    If VarType(v) = vbBoolean Then Exit Sub
    ConfSched_PutSetting wb, "model", Trim$(CStr(v))

    v = Application.InputBox("Time limit of one solve, in seconds:", "Conference settings (2/4)", _
        ConfSched_GetSetting(wb, "time_limit", DEFAULT_TIME_LIMIT), Type:=1)
    If VarType(v) = vbBoolean Then Exit Sub
    If v <= 0 Then
        MsgBox "The time limit must be a positive number of seconds.", vbExclamation, "Conference"
        Exit Sub
    End If
    ConfSched_PutSetting wb, "time_limit", CStr(v)

    v = Application.InputBox("Solver: cbc (bundled) or highs (needs pip install highspy):", _
        "Conference settings (3/4)", ConfSched_GetSetting(wb, "solver", DEFAULT_SOLVER), Type:=2)
    If VarType(v) = vbBoolean Then Exit Sub
    solver = LCase$(Trim$(CStr(v)))
    If solver <> "cbc" And solver <> "highs" Then
        MsgBox "The solver must be cbc or highs.", vbExclamation, "Conference"
        Exit Sub
    End If
    ConfSched_PutSetting wb, "solver", solver

    v = Application.InputBox("Conference schedules: hard rules besides the weights —" & vbLf & _
        "all (no presenter in two places, one room per track), presenters (only the first) or none:", _
        "Conference settings (4/4)", ConfSched_GetSetting(wb, "hard_rules", "all"), Type:=2)
    If VarType(v) = vbBoolean Then Exit Sub
    v = LCase$(Trim$(CStr(v)))
    If v <> "all" And v <> "presenters" And v <> "none" Then
        MsgBox "Hard rules must be all, presenters or none.", vbExclamation, "Conference"
        Exit Sub
    End If
    ConfSched_PutSetting wb, "hard_rules", CStr(v)

    Application.StatusBar = "Conference: settings saved in " & wb.Name & " (save the workbook to keep them)."
End Sub
