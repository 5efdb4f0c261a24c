Attribute VB_Name = "ConfSched"
' xl_confsched: the Conference ribbon tab.
'
' Every button calls one Python entry point of xl_confsched.excel through xlwings'
' RunPython (the xlwings VBA module is added to the add-in / template at build time
' from the installed xlwings package).
'
' Solve never freezes Excel: ConfSched_OnSolve only starts the solve (Python reads the
' workbook and starts a worker process, in a job folder this module chooses) and
' returns; a timer (Application.OnTime, every second) reads the job folder's
' state.txt and progress.txt itself - no Python start per poll - and shows the
' progress in the status bar; Cancel creates the folder's "cancel" file; when the
' state says done or failed, one more Python call writes the results into the book.
' The protocol is described in xl_confsched/jobs.py.
'
' Errors: Python's entry points never let an exception out (one sentence in a message
' box, the details in a log file); this module catches its own errors the same way.
'
' Settings are stored in the organiser's workbook as hidden defined names
' (xlcs_model, xlcs_time_limit, xlcs_solver, xlcs_hard_rules) so they travel with the file.
Option Explicit

Private Const SETTING_PREFIX As String = "xlcs_"
Private Const DEFAULT_TIME_LIMIT As String = "60"
Private Const DEFAULT_SOLVER As String = "cbc"
Private Const APP_NAME As String = "xl_confsched"
Private Const STALE_SECONDS As Long = 30

' Imports the Python side; when xl-confsched is missing from the Python that Excel uses, says so
' in words instead of a traceback (x is then None and the call after it does nothing).
Private Const PY_IMPORT As String = "exec('try:\n import xl_confsched.excel as x\nexcept Exception as e:\n x = None\n import sys, xlwings\n xlwings.Book.caller().app.alert(\'Excel found Python (\' + sys.executable + \') but could not load xl-confsched in it: \' + str(e) + \'. Install it for that Python: open a terminal and run: \' + sys.executable + \' -m pip install xl-confsched\', title=\'Conference\', mode=\'critical\')'); "

' ---------------------------------------------------------------- ribbon buttons

Public Sub ConfSched_OnSolve(control As IRibbonControl)
    Dim wb As Workbook, jobDir As String
    If Not ConfSched_HaveWorkbook() Then Exit Sub
    If ConfSched_JobRunning() Then
        MsgBox "Conference is still solving " & GetSetting(APP_NAME, "job", "book", "a workbook") & "." & vbLf & _
               "Wait for it, or click Conference > Cancel (the best schedule found so far is kept).", _
               vbInformation, "Conference"
        Exit Sub
    End If
    Set wb = ActiveWorkbook
    jobDir = ConfSched_NewJobDir()
    If Not ConfSched_RunPython("start_solve(" & ConfSched_PyStr(jobDir) & ")", "reading the workbook...") Then Exit Sub
    If ConfSched_FileExists(jobDir & Application.PathSeparator & "state.txt") Then
        SaveSetting APP_NAME, "job", "dir", jobDir
        SaveSetting APP_NAME, "job", "book", wb.Name
        ConfSched_SchedulePoll
    End If
End Sub

Public Sub ConfSched_OnCancel(control As IRibbonControl)
    Dim jobDir As String, f As Integer
    jobDir = GetSetting(APP_NAME, "job", "dir", "")
    If jobDir = "" Or Not ConfSched_FileExists(jobDir & Application.PathSeparator & "state.txt") Then
        MsgBox "Nothing is being solved right now.", vbInformation, "Conference"
        Exit Sub
    End If
    On Error GoTo Failed
    f = FreeFile
    Open jobDir & Application.PathSeparator & "cancel" For Output As #f
    Print #f, "cancel"
    Close #f
    Application.StatusBar = "Conference: cancelling - the best schedule found so far will be written..."
    Exit Sub
Failed:
    ConfSched_Failed "Cancel", Err.Number, Err.Description
End Sub

Public Sub ConfSched_OnCheck(control As IRibbonControl)
    If Not ConfSched_HaveWorkbook() Then Exit Sub
    ConfSched_RunPython "check()", "checking the inputs and the schedule..."
End Sub

' The programme as a web page and calendars, in a folder next to the saved workbook.
Public Sub ConfSched_OnPublish(control As IRibbonControl)
    If Not ConfSched_HaveWorkbook() Then Exit Sub
    ConfSched_RunPython "publish()", "publishing the programme (web page and calendars)..."
End Sub

Public Sub ConfSched_OnClear(control As IRibbonControl)
    If Not ConfSched_HaveWorkbook() Then Exit Sub
    If MsgBox("Remove the result sheets of this workbook? Input sheets are kept.", _
              vbOKCancel + vbQuestion, "Conference") <> vbOK Then Exit Sub
    ConfSched_RunPython "clear_results()", "removing the result sheets..."
End Sub

' The New workbook menu: every item carries "kind|blank" or "kind|example" in its tag.
' RunPython needs an active workbook: with none open, a blank helper book stands in for it.
Public Sub ConfSched_OnNew(control As IRibbonControl)
    Dim parts() As String, helper As Workbook
    parts = Split(control.Tag, "|")
    If UBound(parts) <> 1 Then Exit Sub
    On Error GoTo Failed
    If ActiveWorkbook Is Nothing Then Set helper = Workbooks.Add
    ConfSched_RunPython "new_workbook('" & parts(0) & "', example=" & _
        IIf(parts(1) = "example", "True", "False") & ")", "writing a new workbook..."
    If Not helper Is Nothing Then
        helper.Saved = True
        helper.Close SaveChanges:=False
    End If
    Exit Sub
Failed:
    ConfSched_Failed "New workbook", Err.Number, Err.Description
End Sub

Public Sub ConfSched_OnSettings(control As IRibbonControl)
    ConfSched_EditSettings
End Sub

' The cell functions live in this add-in (module ConfSchedFunctions): nothing to import.
Public Sub ConfSched_OnCellFunctions(control As IRibbonControl)
    Dim text As String
    text = "Cell functions, in any workbook while the add-in is loaded:" & vbLf & vbLf & _
           "=CONFSCHED_SCORE(Assignments[#All])  the objective of the schedule as it stands" & vbLf & _
           "=CONFSCHED_TERM(""presenter conflicts (session)"", Assignments[#All])  one term" & vbLf & _
           "=CONFSCHED_CONFLICTS(Assignments[#All])  every violation, one per row" & vbLf & vbLf & _
           "Assignments is the table on the Schedule sheet: edit it by hand and the functions follow." & vbLf & _
           "They need xlwings' Python connection, which only Excel for Windows has. The Live checks " & _
           "sheet gives the same numbers with plain formulas everywhere."
    #If Mac Then
        text = "These cell functions are not available in Excel for Mac." & vbLf & vbLf & text
    #End If
    MsgBox text, vbInformation, "Conference"
End Sub

Public Sub ConfSched_OnHelp(control As IRibbonControl)
    MsgBox "1. Fill the input sheets (or start from New workbook > example)." & vbLf & _
           "2. Settings: model, time limit and solver." & vbLf & _
           "3. Solve: Excel stays usable; progress shows in the status bar, Cancel keeps the best " & _
           "schedule found so far; the result sheets are written next to the inputs." & vbLf & _
           "4. Edit the schedule by hand: the Live checks sheet updates at once." & vbLf & _
           "5. Check: recomputes every term; problems are listed on the Status sheet." & vbLf & vbLf & _
           "Details of unexpected errors: " & ConfSched_LogPath(), _
           vbInformation, "Conference"
End Sub

' ---------------------------------------------------------------- the solve beside Excel

' Run by Application.OnTime every second while a job runs.
Public Sub ConfSched_Poll()
    Dim jobDir As String, sep As String, state As String, progress As String
    On Error GoTo Failed
    jobDir = GetSetting(APP_NAME, "job", "dir", "")
    If jobDir = "" Then Exit Sub
    sep = Application.PathSeparator
    If Not ConfSched_FileExists(jobDir & sep & "state.txt") Then
        ConfSched_ForgetJob
        Exit Sub
    End If
    state = ConfSched_FirstLine(jobDir & sep & "state.txt")
    progress = ConfSched_FirstLine(jobDir & sep & "progress.txt")
    If state = "done" Or state = "failed" Or ConfSched_Stale(jobDir & sep & "progress.txt") Then
        If ActiveWorkbook Is Nothing Then  ' RunPython needs an active workbook: try again in a second
            ConfSched_SchedulePoll
            Exit Sub
        End If
        ConfSched_RunPython "collect_job(" & ConfSched_PyStr(jobDir) & ")", "writing the results..."
        ConfSched_ForgetJob  ' collect_job removes the folder, also after a failure said in words
        Exit Sub
    End If
    If progress <> "" Then Application.StatusBar = "Conference: " & progress
    ConfSched_SchedulePoll
    Exit Sub
Failed:
    ConfSched_ForgetJob
    ConfSched_Failed "Solve", Err.Number, Err.Description
End Sub

Private Sub ConfSched_SchedulePoll()
    Application.OnTime Now + TimeSerial(0, 0, 1), "'" & ThisWorkbook.Name & "'!ConfSched_Poll"
End Sub

Private Sub ConfSched_ForgetJob()
    On Error Resume Next
    DeleteSetting APP_NAME, "job"
    Application.StatusBar = False
End Sub

Private Function ConfSched_JobRunning() As Boolean
    Dim jobDir As String, sep As String, state As String
    jobDir = GetSetting(APP_NAME, "job", "dir", "")
    If jobDir = "" Then Exit Function
    sep = Application.PathSeparator
    If Not ConfSched_FileExists(jobDir & sep & "state.txt") Then
        ConfSched_ForgetJob
        Exit Function
    End If
    state = ConfSched_FirstLine(jobDir & sep & "state.txt")
    If (state = "starting" Or state = "running") And Not ConfSched_Stale(jobDir & sep & "progress.txt") Then
        ConfSched_JobRunning = True
    Else
        ConfSched_ForgetJob  ' a job of an Excel that was closed: start afresh
    End If
End Function

' A new folder for the job's files: the temporary folder on Windows, the Excel container on macOS
' (files there need no access confirmation; Environ("HOME") is the container in sandboxed Excel).
Private Function ConfSched_NewJobDir() As String
    Dim root As String, sep As String
    sep = Application.PathSeparator
    #If Mac Then
        root = Environ("HOME")
    #Else
        root = Environ("TEMP")
        If root = "" Then root = Environ("TMP")
    #End If
    Randomize
    ConfSched_NewJobDir = root & sep & "xl_confsched_jobs" & sep & Format$(Now, "yyyymmdd-hhnnss") & "-" & _
                          CStr(Int(Rnd() * 1000000))
End Function

' The worker rewrites progress.txt every second; older than STALE_SECONDS means it is gone.
Private Function ConfSched_Stale(ByVal path As String) As Boolean
    On Error GoTo Gone
    ConfSched_Stale = DateDiff("s", FileDateTime(path), Now) > STALE_SECONDS
    Exit Function
Gone:
    ConfSched_Stale = False
End Function

Private Function ConfSched_FirstLine(ByVal path As String) As String
    Dim f As Integer, s As String
    On Error GoTo Unreadable
    f = FreeFile
    Open path For Input As #f
    If Not EOF(f) Then Line Input #f, s
    Close #f
    ConfSched_FirstLine = Trim$(s)
    Exit Function
Unreadable:  ' being replaced at this very moment: read it again next second
    On Error Resume Next
    Close #f
    ConfSched_FirstLine = ""
End Function

Private Function ConfSched_FileExists(ByVal path As String) As Boolean
    On Error Resume Next
    ConfSched_FileExists = (Len(Dir$(path)) > 0)
End Function

' A Python string literal (single quotes; the command line carries no double quotes).
Private Function ConfSched_PyStr(ByVal s As String) As String
    ConfSched_PyStr = "'" & Replace(Replace(s, "\", "\\"), "'", "\'") & "'"
End Function

' ---------------------------------------------------------------- Python calls

Private Function ConfSched_HaveWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the workbook to plan first (or start one: Conference > New workbook).", _
               vbExclamation, "Conference"
        Exit Function
    End If
    ConfSched_HaveWorkbook = True
End Function

' Excel must know which Python to use: `xl-confsched addin install` writes it into xlwings' config.
Private Function ConfSched_PythonReady() As Boolean
    Dim interpreter As String
    On Error GoTo NoConfig
    #If Mac Then
        interpreter = GetConfig("INTERPRETER_MAC", "")
    #Else
        interpreter = GetConfig("INTERPRETER_WIN", "")
    #End If
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "")
    If interpreter = "" And GetConfig("CONDA PATH", "") = "" Then GoTo NoConfig  ' conda set-ups name no interpreter
    #If Mac Then
        ' the sandbox may hide files outside Excel's container from Dir: no existence check here
    #Else
    If InStr(interpreter, Application.PathSeparator) > 0 And Not ConfSched_FileExists(interpreter) Then
        MsgBox "Excel is set to use the Python " & interpreter & ", which is not there any more." & vbLf & _
               "Open a terminal and run  xl-confsched addin install  again with the Python you use now, " & _
               "then restart Excel.", vbCritical, "Conference"
        Exit Function
    End If
    #End If
    ConfSched_PythonReady = True
    Exit Function
NoConfig:
    MsgBox "Excel does not know which Python to use yet." & vbLf & _
           "Open a terminal and run  xl-confsched addin install  (it tells Excel), then restart Excel.", _
           vbCritical, "Conference"
End Function

Private Function ConfSched_RunPython(ByVal pyCall As String, ByVal busy As String) As Boolean
    If Not ConfSched_PythonReady() Then Exit Function
    Application.StatusBar = "Conference: " & busy
    Application.Cursor = xlWait
    On Error GoTo Failed
    RunPython PY_IMPORT & "x and x." & pyCall
    Application.Cursor = xlDefault
    ConfSched_RunPython = True
    Exit Function
Failed:
    Application.Cursor = xlDefault
    Application.StatusBar = False
    ConfSched_Failed "Conference", Err.Number, Err.Description
End Function

' One sentence for the organiser; the technical detail goes to the log file.
Private Sub ConfSched_Failed(ByVal action As String, ByVal number As Long, ByVal description As String)
    Dim f As Integer, logPath As String
    logPath = ConfSched_LogPath()
    On Error Resume Next
    MkDir Left$(logPath, InStrRev(logPath, Application.PathSeparator) - 1)
    f = FreeFile
    Open logPath For Append As #f
    Print #f, "--- " & Format$(Now, "yyyy-mm-dd hh:nn:ss") & " " & action & " (VBA): error " & number & ": " & description
    Close #f
    On Error GoTo 0
    MsgBox action & " could not run: " & description & vbLf & _
           "If Python is not installed or not set up for Excel yet, follow the README's Excel guide " & _
           "(in short: pip install xl-confsched, then xl-confsched addin install)." & vbLf & _
           "Details: " & logPath, vbCritical, "Conference"
End Sub

Private Function ConfSched_LogPath() As String
    #If Mac Then
        ConfSched_LogPath = Environ("HOME") & "/xl_confsched_errors.log"
    #Else
        ConfSched_LogPath = Environ("LOCALAPPDATA") & "\xl_confsched\errors.log"
    #End If
End Function

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
    If Not ConfSched_HaveWorkbook() Then Exit Sub
    Set wb = ActiveWorkbook
    On Error GoTo Failed

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

    v = Application.InputBox("Solver: cbc (bundled) or highs:", _
        "Conference settings (3/4)", ConfSched_GetSetting(wb, "solver", DEFAULT_SOLVER), Type:=2)
    If VarType(v) = vbBoolean Then Exit Sub
    solver = LCase$(Trim$(CStr(v)))
    If solver <> "cbc" And solver <> "highs" Then
        MsgBox "The solver must be cbc or highs.", vbExclamation, "Conference"
        Exit Sub
    End If
    ConfSched_PutSetting wb, "solver", solver

    v = Application.InputBox("Conference schedules: hard rules besides the weights -" & vbLf & _
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
    Exit Sub
Failed:
    ConfSched_Failed "Settings", Err.Number, Err.Description
End Sub
