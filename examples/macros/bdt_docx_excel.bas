Attribute VB_Name = "BdtDocx"
' bdt_docx - Excel macro: make the Bao cao (.docx) from this workbook with the bdt-docx command.
'
' Import this file into the workbook that holds the data (Developer > Visual Basic >
' File > Import File...), add a button and assign it the macro TaoBaoCao, then save the
' workbook as .xlsm. Or import it once into PERSONAL.XLSB (the Personal Macro Workbook) and
' give any data workbook a button for PERSONAL.XLSB!TaoBaoCao. Windows only (uses
' WScript.Shell, ADODB.Stream, user32/shell32).
'
' Which workbook the report is made from (TargetWorkbook): the one whose sheet holds the
' clicked button; run from Alt+F8 or a ribbon button, the one holding the macro, unless that
' is PERSONAL.XLSB or an add-in (no data there): then the workbook in front, after asking.
'
' Where the bdt-docx command comes from (the ONE place to configure it):
'   1. the constant BDT_DOCX_CMD below (full path of bdt-docx.exe, or a command line);
'   2. the environment variable BDT_DOCX_CMD (same meaning);
'   3. bdt-docx.exe in a folder on PATH;
'   4. where "pip install --user" puts it: %APPDATA%\Python\Python3XX\Scripts, then
'      %LOCALAPPDATA%\Programs\Python\Python3XX\Scripts (newest Python first).
'
' The command run is:  bdt-docx fill "<workbook>" -o "<workbook stem>.docx" --result "<temp>"
' --just-saved [--overwrite, after asking]. Its JSON result (UTF-8) is read back and shown.
' This file is pure ASCII: Vietnamese text is written as \uXXXX escapes decoded by U().
Option Explicit

' Full path of bdt-docx.exe; leave empty to use BDT_DOCX_CMD, PATH, then the pip --user place.
Private Const BDT_DOCX_CMD As String = ""
' Seconds to wait for OneDrive to write the saved workbook to the local copy.
Private Const SYNC_WAIT_SECONDS As Long = 30

Private Const MB_SETFOREGROUND As Long = &H10000
Private Const SW_SHOWNORMAL As Long = 1

#If VBA7 Then
Private Declare PtrSafe Function MessageBoxW Lib "user32" (ByVal hWnd As LongPtr, _
    ByVal lpText As LongPtr, ByVal lpCaption As LongPtr, ByVal uType As Long) As Long
Private Declare PtrSafe Function ShellExecuteW Lib "shell32" (ByVal hWnd As LongPtr, _
    ByVal lpOperation As LongPtr, ByVal lpFile As LongPtr, ByVal lpParameters As LongPtr, _
    ByVal lpDirectory As LongPtr, ByVal nShowCmd As Long) As LongPtr
#Else
Private Declare Function MessageBoxW Lib "user32" (ByVal hWnd As Long, _
    ByVal lpText As Long, ByVal lpCaption As Long, ByVal uType As Long) As Long
Private Declare Function ShellExecuteW Lib "shell32" (ByVal hWnd As Long, _
    ByVal lpOperation As Long, ByVal lpFile As Long, ByVal lpParameters As Long, _
    ByVal lpDirectory As Long, ByVal nShowCmd As Long) As Long
#End If

' JSON parser state.
Private mJson As String
Private mPos As Long

' ============================================================================ the macro

Public Sub TaoBaoCao()
    Dim wb As Workbook, fso As Object, wsh As Object, data As Object
    Dim source As String, report As String, command As String, resultFile As String
    Dim text As String, overwrite As Boolean, dirty As Boolean, savedAt As Date
    Dim code As Long, ok As Boolean

    Set wb = TargetWorkbook()
    If wb Is Nothing Then Exit Sub
    Set fso = CreateObject("Scripting.FileSystemObject")
    Set wsh = CreateObject("WScript.Shell")
    On Error GoTo Failed

    If Len(wb.Path) = 0 Then
        Say U("S\u1ED5 ch\u01B0a \u0111\u01B0\u1EE3c l\u01B0u. H\u00E3y l\u01B0u s\u1ED5 (T\u1EC7p > L\u01B0u th\u00E0nh, ch\u1ECDn S\u1ED5 l\u00E0m vi\u1EC7c Excel c\u00F3 b\u1EADt macro .xlsm) r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt T\u1EA1o b\u00E1o c\u00E1o."), vbExclamation
        Exit Sub
    End If
    If wb.ReadOnly Then
        Say U("S\u1ED5 \u0111ang m\u1EDF \u1EDF ch\u1EBF \u0111\u1ED9 ch\u1EC9 \u0111\u1ECDc n\u00EAn kh\u00F4ng l\u01B0u \u0111\u01B0\u1EE3c. H\u00E3y \u0111\u00F3ng s\u1ED5 \u1EDF m\u00E1y kh\u00E1c (ho\u1EB7c l\u01B0u th\u00E0nh b\u1EA3n kh\u00E1c) r\u1ED3i th\u1EED l\u1EA1i."), vbExclamation
        Exit Sub
    End If
    dirty = Not wb.Saved
    savedAt = Now
    wb.Save

    source = wb.FullName
    If LCase$(Left$(source, 4)) = "http" Then
        source = LocalPath(source)
        If Len(source) = 0 Then
            Say U("S\u1ED5 \u0111ang m\u1EDF t\u1EEB OneDrive/SharePoint (\u0111\u1ECBa ch\u1EC9 web), l\u1EC7nh bdt-docx c\u1EA7n m\u1ED9t t\u1EC7p tr\u00EAn m\u00E1y.") & vbLf & vbLf & _
                U("H\u00E3y m\u1EDF s\u1ED5 b\u1EB1ng \u1EE9ng d\u1EE5ng Excel tr\u00EAn m\u00E1y (n\u00FAt ""M\u1EDF trong \u1EE9ng d\u1EE5ng tr\u00EAn m\u00E1y t\u00EDnh"" / Open in Desktop App) t\u1EEB th\u01B0 m\u1EE5c OneDrive \u0111\u00E3 \u0111\u1ED3ng b\u1ED9, ho\u1EB7c l\u01B0u m\u1ED9t b\u1EA3n v\u00E0o m\u00E1y (T\u1EC7p > L\u01B0u th\u00E0nh > M\u00E1y t\u00EDnh n\u00E0y) r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt."), vbExclamation
            Exit Sub
        End If
        If dirty Then
            If Not WaitForLocalCopy(fso, source, savedAt) Then
                Say U("OneDrive ch\u01B0a ghi xong b\u1EA3n v\u1EEBa l\u01B0u v\u00E0o m\u00E1y:") & vbLf & source & vbLf & vbLf & _
                    U("H\u00E3y ch\u1EDD bi\u1EC3u t\u01B0\u1EE3ng OneDrive b\u00E1o \u0111\u00E3 \u0111\u1ED3ng b\u1ED9 r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt."), vbExclamation
                Exit Sub
            End If
        End If
    End If

    command = FindCommand(fso, wsh)
    If Len(command) = 0 Then
        Say U("Kh\u00F4ng t\u00ECm th\u1EA5y l\u1EC7nh bdt-docx.") & vbLf & vbLf & _
            U("H\u00E3y c\u00E0i bdt_docx (xem docs/windows-offline.md), ho\u1EB7c ghi \u0111\u01B0\u1EDDng d\u1EABn \u0111\u1EA7y \u0111\u1EE7 t\u1EDBi bdt-docx.exe v\u00E0o h\u1EB1ng BDT_DOCX_CMD \u1EDF \u0111\u1EA7u m\u00F4-\u0111un BdtDocx, ho\u1EB7c v\u00E0o bi\u1EBFn m\u00F4i tr\u01B0\u1EDDng BDT_DOCX_CMD."), vbCritical
        Exit Sub
    End If

    report = Left$(source, InStrRev(source, ".") - 1) & ".docx"
    If fso.FileExists(report) Then
        If Say(U("B\u00E1o c\u00E1o \u0111\u00E3 c\u00F3:") & vbLf & report & vbLf & vbLf & U("Ghi \u0111\u00E8 (thay b\u1EB1ng b\u00E1o c\u00E1o m\u1EDBi)?"), vbYesNo + vbQuestion) <> vbYes Then Exit Sub
        overwrite = True
    End If

    Randomize
    resultFile = fso.BuildPath(EnvVar(wsh, "TEMP"), "bdt-docx-" & Format$(Now, "yyyymmdd-hhnnss") & "-" & CStr(Int(Rnd * 1000000)) & ".json")
    ' --just-saved: the workbook was saved above, as it is open (no warning that it is open)
    command = command & " fill " & Quote(source) & " -o " & Quote(report) & " --result " & Quote(resultFile) & " --just-saved"
    If overwrite Then command = command & " --overwrite"

    Application.StatusBar = U("\u0110ang t\u1EA1o b\u00E1o c\u00E1o...")
    Application.Cursor = xlWait
    code = wsh.Run(command, 0, True)
    Application.Cursor = xlDefault
    Application.StatusBar = False

    text = ReadUtf8(fso, resultFile)
    If fso.FileExists(resultFile) Then fso.DeleteFile resultFile, True
    Set data = ParseJson(text)
    text = ResultMessage(data, code, report, wb.Name, ok)
    If Not ok Then
        Say text, vbCritical
    ElseIf Say(text & vbLf & vbLf & U("M\u1EDF b\u00E1o c\u00E1o ngay?"), vbYesNo + vbInformation) = vbYes Then
        OpenFile wb, JsonText(data, "output", report)
    End If
    Exit Sub

Failed:
    Application.Cursor = xlDefault
    Application.StatusBar = False
    Say U("L\u1ED7i khi t\u1EA1o b\u00E1o c\u00E1o: ") & Err.Description & " (" & Err.Number & ")", vbCritical
End Sub

' ========================================================================= which workbook

' The workbook to make the report from; Nothing (after saying why) when there is none.
'   1. Clicked on a button (Application.Caller is its name): the workbook of the sheet that
'      holds the button, wherever the macro itself is stored.
'   2. Run from Alt+F8, a ribbon or Quick Access button: the workbook holding the macro
'      (ThisWorkbook), unless that is PERSONAL.XLSB or an add-in, which hold macros, not
'      data: then the workbook in front (ActiveWorkbook), after asking, naming both.
Private Function TargetWorkbook() As Workbook
    Dim caller As Variant, holder As Object, front As Workbook

    On Error Resume Next
    caller = Application.Caller
    If VarType(caller) = vbString Then Set holder = ActiveSheet.Shapes(CStr(caller))
    On Error GoTo 0
    If Not holder Is Nothing Then
        Set TargetWorkbook = ActiveSheet.Parent
        Exit Function
    End If
    If Not IsMacroStore(ThisWorkbook) Then
        Set TargetWorkbook = ThisWorkbook
        Exit Function
    End If

    Set front = ActiveWorkbook
    If front Is Nothing Then
        Say U("Kh\u00F4ng c\u00F3 s\u1ED5 s\u1ED1 li\u1EC7u n\u00E0o \u0111ang m\u1EDF. Macro n\u1EB1m trong ") & ThisWorkbook.Name & U(" (s\u1ED5 macro c\u00E1 nh\u00E2n) n\u00EAn n\u00F3 l\u1EA5y s\u1ED5 \u0111ang m\u1EDF ph\u00EDa tr\u01B0\u1EDBc: h\u00E3y m\u1EDF s\u1ED5 s\u1ED1 li\u1EC7u r\u1ED3i b\u1EA5m l\u1EA1i."), vbExclamation
        Exit Function
    End If
    If IsMacroStore(front) Then
        Say U("S\u1ED5 \u0111ang m\u1EDF ph\u00EDa tr\u01B0\u1EDBc l\u00E0 ") & front.Name & U(", s\u1ED5 ch\u1EE9a macro, kh\u00F4ng ph\u1EA3i s\u1ED5 s\u1ED1 li\u1EC7u. H\u00E3y chuy\u1EC3n sang c\u1EEDa s\u1ED5 c\u1EE7a s\u1ED5 s\u1ED1 li\u1EC7u r\u1ED3i b\u1EA5m l\u1EA1i (ho\u1EB7c b\u1EA5m n\u00FAt T\u1EA1o b\u00E1o c\u00E1o trong s\u1ED5 \u0111\u00F3)."), vbExclamation
        Exit Function
    End If
    If Say(U("Macro n\u1EB1m trong ") & ThisWorkbook.Name & U(" (s\u1ED5 macro c\u00E1 nh\u00E2n), kh\u00F4ng ph\u1EA3i trong s\u1ED5 s\u1ED1 li\u1EC7u, n\u00EAn b\u00E1o c\u00E1o s\u1EBD \u0111\u01B0\u1EE3c t\u1EA1o t\u1EEB s\u1ED5 \u0111ang m\u1EDF ph\u00EDa tr\u01B0\u1EDBc:") & vbLf & vbLf & _
        front.FullName & vbLf & vbLf & U("T\u1EA1o b\u00E1o c\u00E1o t\u1EEB s\u1ED5 n\u00E0y?"), vbYesNo + vbQuestion) = vbYes Then
        Set TargetWorkbook = front
    End If
End Function

' True for a workbook that stores macros, not data: PERSONAL.XLSB (or any workbook that
' Excel opens from its XLSTART folder) and add-ins.
Private Function IsMacroStore(ByVal wb As Workbook) As Boolean
    If wb.IsAddin Or UCase$(wb.Name) Like "PERSONAL.XL*" Then
        IsMacroStore = True
    ElseIf Len(wb.Path) > 0 Then
        IsMacroStore = (StrComp(wb.Path, Application.StartupPath, vbTextCompare) = 0)
    End If
End Function

' ===================================================================== the command's result

Private Function ResultMessage(ByVal data As Object, ByVal code As Long, ByVal report As String, ByVal book As String, ByRef ok As Boolean) As String
    Dim lines As String, count As Long, problem As Variant, text As String, notes As String

    ok = False
    If data Is Nothing Then
        ResultMessage = U("L\u1EC7nh bdt-docx kh\u00F4ng ch\u1EA1y \u0111\u01B0\u1EE3c (m\u00E3 tho\u00E1t ") & code & ")." & vbLf & _
            U("H\u00E3y m\u1EDF Command Prompt v\u00E0 ch\u1EA1y: bdt-docx --help \u0111\u1EC3 xem l\u1ED7i, ho\u1EB7c b\u00E1o b\u1ED9 ph\u1EADn IT.")
        Exit Function
    End If
    If data.Exists("code") Then code = CLng(data("code"))
    If data.Exists("errors") Then
        If IsObject(data("errors")) Then
            For Each problem In data("errors")
                lines = lines & vbLf & ProblemLine(problem)
                count = count + 1
            Next
        End If
    End If

    If JsonBool(data, "ok") Then
        ok = True
        text = U("\u0110\u00E3 t\u1EA1o b\u00E1o c\u00E1o t\u1EEB s\u1ED5 ") & book & ":" & vbLf & JsonText(data, "output", report)
        If Len(JsonText(data, "pdf", "")) > 0 Then text = text & vbLf & vbLf & U("v\u00E0 b\u1EA3n PDF:") & vbLf & JsonText(data, "pdf", "")
        ' Warnings (a date read from a month-first cell, hidden rows, TCVN3 text): looked at
        ' before the report is sent.
        If data.Exists("warnings") Then
            If IsObject(data("warnings")) Then
                For Each problem In data("warnings")
                    notes = notes & vbLf & ProblemLine(problem)
                Next
            End If
        End If
        If Len(notes) > 0 Then text = text & vbLf & vbLf & U("C\u1EA3nh b\u00E1o, h\u00E3y xem l\u1EA1i b\u00E1o c\u00E1o tr\u01B0\u1EDBc khi g\u1EEDi:") & notes
        ResultMessage = text
        Exit Function
    End If
    Select Case code
        Case 3
            text = U("S\u1ED5 Excel c\u00F3 ") & count & U(" l\u1ED7i c\u1EA7n s\u1EEDa tr\u01B0\u1EDBc khi t\u1EA1o b\u00E1o c\u00E1o t\u1EEB s\u1ED5 ") & book & ":" & vbLf & lines
        Case 5
            text = U("Kh\u00F4ng ghi \u0111\u01B0\u1EE3c b\u00E1o c\u00E1o:") & vbLf & report & vbLf & vbLf & _
                U("N\u1EBFu b\u00E1o c\u00E1o \u0111ang m\u1EDF trong Word, h\u00E3y \u0111\u00F3ng n\u00F3 r\u1ED3i b\u1EA5m l\u1EA1i n\u00FAt. C\u0169ng ki\u1EC3m tra b\u1EA1n c\u00F3 quy\u1EC1n ghi v\u00E0o th\u01B0 m\u1EE5c \u0111\u00F3.") & vbLf & lines
        Case 4
            text = U("M\u1EABu b\u00E1o c\u00E1o c\u00F3 l\u1ED7i (h\u00E3y b\u00E1o b\u1ED9 ph\u1EADn IT):") & vbLf & lines
        Case 6
            text = U("\u0110\u00E3 t\u1EA1o b\u00E1o c\u00E1o nh\u01B0ng kh\u00F4ng chuy\u1EC3n \u0111\u01B0\u1EE3c sang PDF:") & vbLf & lines
        Case 2
            text = U("L\u1EC7nh bdt-docx kh\u00F4ng nh\u1EADn c\u00E1c tham s\u1ED1 c\u1EE7a macro (c\u00F3 th\u1EC3 l\u00E0 phi\u00EAn b\u1EA3n c\u0169).") & vbLf & lines
        Case Else
            text = U("L\u1ED7i kh\u00F4ng mong \u0111\u1EE3i (m\u00E3 ") & code & U("). H\u00E3y g\u1EEDi th\u00F4ng b\u00E1o n\u00E0y cho b\u1ED9 ph\u1EADn IT.") & vbLf & lines
    End Select
    ResultMessage = text
End Function

' One error as a line: "- Trang tinh 'Thong tin', o B17 (tong_so_nguoi): ...".
Private Function ProblemLine(ByVal problem As Object) As String
    Dim place As String, entry As String
    If Len(JsonText(problem, "sheet", "")) > 0 Then place = U("trang t\u00EDnh '") & JsonText(problem, "sheet", "") & "'"
    If Len(JsonText(problem, "cell", "")) > 0 Then
        If Len(place) > 0 Then place = place & ", "
        place = place & U("\u00F4 ") & JsonText(problem, "cell", "")
    End If
    If Len(JsonText(problem, "field", "")) > 0 Then
        If Len(place) > 0 Then
            place = place & " (" & JsonText(problem, "field", "") & ")"
        Else
            place = JsonText(problem, "field", "")
        End If
    End If
    entry = JsonText(problem, "message", "")
    If Len(place) > 0 Then entry = place & ": " & entry
    ProblemLine = U("\u2022 ") & UCase$(Left$(entry, 1)) & Mid$(entry, 2)
End Function

Private Function JsonText(ByVal data As Object, ByVal key As String, ByVal fallback As String) As String
    JsonText = fallback
    If data Is Nothing Then Exit Function
    If Not data.Exists(key) Then Exit Function
    If IsObject(data(key)) Then Exit Function
    If IsNull(data(key)) Then Exit Function
    JsonText = CStr(data(key))
End Function

Private Function JsonBool(ByVal data As Object, ByVal key As String) As Boolean
    If data.Exists(key) Then
        If VarType(data(key)) = vbBoolean Then JsonBool = data(key)
    End If
End Function

' =========================================================================== the command

Private Function FindCommand(ByVal fso As Object, ByVal wsh As Object) As String
    Dim value As String, folder As Variant, candidate As String

    value = Trim$(BDT_DOCX_CMD)
    If Len(value) = 0 Then value = Trim$(EnvVar(wsh, "BDT_DOCX_CMD"))
    If Len(value) > 0 Then
        If fso.FileExists(value) Then
            FindCommand = Quote(value)
        Else
            FindCommand = value   ' a command line, e.g. "C:\Python312\python.exe" -m bdt_docx
        End If
        Exit Function
    End If
    For Each folder In Split(EnvVar(wsh, "PATH"), ";")
        If Len(Trim$(folder)) > 0 Then
            candidate = fso.BuildPath(Trim$(Replace(folder, """", "")), "bdt-docx.exe")
            If fso.FileExists(candidate) Then
                FindCommand = Quote(candidate)
                Exit Function
            End If
        End If
    Next
    candidate = NewestScript(fso, EnvVar(wsh, "APPDATA") & "\Python")
    If Len(candidate) = 0 Then candidate = NewestScript(fso, EnvVar(wsh, "LOCALAPPDATA") & "\Programs\Python")
    If Len(candidate) > 0 Then FindCommand = Quote(candidate)
End Function

' root\Python3XX\Scripts\bdt-docx.exe of the newest Python 3 under root, or "".
Private Function NewestScript(ByVal fso As Object, ByVal root As String) As String
    Dim child As Object, candidate As String, version As Long, best As Long
    If Not fso.FolderExists(root) Then Exit Function
    best = -1
    For Each child In fso.GetFolder(root).SubFolders
        If UCase$(Left$(child.Name, 7)) = "PYTHON3" Then
            candidate = child.Path & "\Scripts\bdt-docx.exe"
            version = CLng(Val(Mid$(child.Name, 8)))
            If fso.FileExists(candidate) And version > best Then
                NewestScript = candidate
                best = version
            End If
        End If
    Next
End Function

' ================================================================================ OneDrive

' The local copy of a workbook opened from OneDrive (a https:// FullName), or "".
Private Function LocalPath(ByVal url As String) As String
    Dim fso As Object, wsh As Object, rest As String, p As Long, roots As Variant, variable As Variant
    Dim root As String, candidate As String

    Set fso = CreateObject("Scripting.FileSystemObject")
    Set wsh = CreateObject("WScript.Shell")
    url = UrlDecode(url)
    p = InStr(1, url, "d.docs.live.net/", vbTextCompare)
    If p > 0 Then
        ' OneDrive (personal): https://d.docs.live.net/<id>/<path in OneDrive>
        rest = Mid$(url, p + Len("d.docs.live.net/"))
        p = InStr(rest, "/")
        If p > 0 Then rest = Mid$(rest, p + 1) Else rest = ""
        roots = Array("OneDriveConsumer", "OneDrive", "OneDriveCommercial")
    Else
        ' OneDrive for work: https://<org>-my.sharepoint.com/personal/<user>/Documents/<path>
        p = InStr(1, url, "/Documents/", vbTextCompare)
        If p > 0 Then rest = Mid$(url, p + Len("/Documents/"))
        roots = Array("OneDriveCommercial", "OneDrive", "OneDriveConsumer")
    End If
    If Len(rest) = 0 Then Exit Function
    rest = Replace(rest, "/", "\")
    For Each variable In roots
        root = EnvVar(wsh, CStr(variable))
        If Len(root) > 0 Then
            candidate = fso.BuildPath(root, rest)
            If fso.FileExists(candidate) Then
                LocalPath = candidate
                Exit Function
            End If
        End If
    Next
End Function

Private Function WaitForLocalCopy(ByVal fso As Object, ByVal path As String, ByVal savedAt As Date) As Boolean
    Dim waited As Long
    Do
        If fso.GetFile(path).DateLastModified >= savedAt - TimeSerial(0, 0, 2) Then
            WaitForLocalCopy = True
            Exit Function
        End If
        If waited >= SYNC_WAIT_SECONDS Then Exit Function
        Application.Wait Now + TimeSerial(0, 0, 1)
        DoEvents
        waited = waited + 1
    Loop
End Function

' Decode %XX escapes (UTF-8) in a URL.
Private Function UrlDecode(ByVal text As String) As String
    Dim bytes() As Byte, count As Long, i As Long, out As String
    ReDim bytes(0 To Len(text))
    i = 1
    Do While i <= Len(text)
        If Mid$(text, i, 1) = "%" And i + 2 <= Len(text) And IsHex(Mid$(text, i + 1, 2)) Then
            bytes(count) = CByte(HexValue(Mid$(text, i + 1, 2)))
            count = count + 1
            i = i + 3
        Else
            If count > 0 Then out = out & Utf8Decode(bytes, count): count = 0
            out = out & Mid$(text, i, 1)
            i = i + 1
        End If
    Loop
    If count > 0 Then out = out & Utf8Decode(bytes, count)
    UrlDecode = out
End Function

Private Function Utf8Decode(ByRef bytes() As Byte, ByVal count As Long) As String
    Dim i As Long, b As Long, cp As Long, extra As Long, out As String
    Do While i < count
        b = bytes(i)
        If b < &H80 Then
            cp = b: extra = 0
        ElseIf b >= &HF0 Then
            cp = b And &H7: extra = 3
        ElseIf b >= &HE0 Then
            cp = b And &HF: extra = 2
        Else
            cp = b And &H1F: extra = 1
        End If
        i = i + 1
        Do While extra > 0 And i < count
            cp = cp * 64 + (bytes(i) And &H3F)
            extra = extra - 1
            i = i + 1
        Loop
        If cp >= &H10000 Then
            cp = cp - &H10000
            out = out & ChrW$(&HD800& + (cp \ 1024)) & ChrW$(&HDC00& + (cp Mod 1024))
        Else
            out = out & ChrW$(cp)
        End If
    Loop
    Utf8Decode = out
End Function

' ==================================================================================== JSON

' Parse a JSON object into Scripting.Dictionary (arrays: Collection); Nothing if it is not one.
Private Function ParseJson(ByVal text As String) As Object
    On Error GoTo Broken
    mJson = text
    mPos = 1
    SkipSpace
    If Mid$(mJson, mPos, 1) <> "{" Then Exit Function
    Set ParseJson = ParseObject()
    Exit Function
Broken:
    Set ParseJson = Nothing
End Function

Private Function ParseValue() As Variant
    SkipSpace
    Select Case Mid$(mJson, mPos, 1)
        Case "{": Set ParseValue = ParseObject()
        Case "[": Set ParseValue = ParseArray()
        Case """": ParseValue = ParseString()
        Case "t": mPos = mPos + 4: ParseValue = True
        Case "f": mPos = mPos + 5: ParseValue = False
        Case "n": mPos = mPos + 4: ParseValue = Null
        Case Else: ParseValue = ParseNumber()
    End Select
End Function

Private Function ParseObject() As Object
    Dim result As Object, key As String, c As String
    Set result = CreateObject("Scripting.Dictionary")
    mPos = mPos + 1
    SkipSpace
    If Mid$(mJson, mPos, 1) = "}" Then
        mPos = mPos + 1
        Set ParseObject = result
        Exit Function
    End If
    Do
        SkipSpace
        If Mid$(mJson, mPos, 1) <> """" Then Err.Raise vbObjectError + 513, , "JSON"
        key = ParseString()
        SkipSpace
        If Mid$(mJson, mPos, 1) <> ":" Then Err.Raise vbObjectError + 513, , "JSON"
        mPos = mPos + 1
        If result.Exists(key) Then result.Remove key
        result.Add key, ParseValue()
        SkipSpace
        c = Mid$(mJson, mPos, 1)
        mPos = mPos + 1
        If c = "}" Then Exit Do
        If c <> "," Then Err.Raise vbObjectError + 513, , "JSON"
    Loop
    Set ParseObject = result
End Function

Private Function ParseArray() As Object
    Dim result As Collection, c As String
    Set result = New Collection
    mPos = mPos + 1
    SkipSpace
    If Mid$(mJson, mPos, 1) = "]" Then
        mPos = mPos + 1
        Set ParseArray = result
        Exit Function
    End If
    Do
        result.Add ParseValue()
        SkipSpace
        c = Mid$(mJson, mPos, 1)
        mPos = mPos + 1
        If c = "]" Then Exit Do
        If c <> "," Then Err.Raise vbObjectError + 513, , "JSON"
    Loop
    Set ParseArray = result
End Function

Private Function ParseString() As String
    Dim out As String, c As String
    mPos = mPos + 1
    Do While mPos <= Len(mJson)
        c = Mid$(mJson, mPos, 1)
        If c = """" Then
            mPos = mPos + 1
            ParseString = out
            Exit Function
        ElseIf c = "\" Then
            c = Mid$(mJson, mPos + 1, 1)
            Select Case c
                Case "n": out = out & vbLf
                Case "r": out = out & vbCr
                Case "t": out = out & vbTab
                Case "b": out = out & ChrW$(8)
                Case "f": out = out & ChrW$(12)
                Case "u"
                    out = out & ChrW$(HexValue(Mid$(mJson, mPos + 2, 4)))
                    mPos = mPos + 4
                Case Else: out = out & c
            End Select
            mPos = mPos + 2
        Else
            out = out & c
            mPos = mPos + 1
        End If
    Loop
    Err.Raise vbObjectError + 513, , "JSON"
End Function

Private Function ParseNumber() As Double
    Dim start As Long
    start = mPos
    Do While mPos <= Len(mJson) And InStr("+-0123456789.eE", Mid$(mJson, mPos, 1)) > 0
        mPos = mPos + 1
    Loop
    If mPos = start Then Err.Raise vbObjectError + 513, , "JSON"
    ParseNumber = Val(Mid$(mJson, start, mPos - start))
End Function

Private Sub SkipSpace()
    Do While mPos <= Len(mJson)
        Select Case Mid$(mJson, mPos, 1)
            Case " ", vbTab, vbCr, vbLf: mPos = mPos + 1
            Case Else: Exit Do
        End Select
    Loop
End Sub

' ================================================================================= helpers

' Decode the \uXXXX escapes of a string written in this ASCII source.
Private Function U(ByVal text As String) As String
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(text)
        If Mid$(text, i, 2) = "\u" And IsHex(Mid$(text, i + 2, 4)) Then
            out = out & ChrW$(HexValue(Mid$(text, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(text, i, 1)
            i = i + 1
        End If
    Loop
    U = out
End Function

Private Function HexValue(ByVal digits As String) As Long
    Dim i As Long
    For i = 1 To Len(digits)
        HexValue = HexValue * 16 + InStr("0123456789ABCDEF", UCase$(Mid$(digits, i, 1))) - 1
    Next
End Function

Private Function IsHex(ByVal digits As String) As Boolean
    Dim i As Long
    If Len(digits) = 0 Then Exit Function
    For i = 1 To Len(digits)
        If InStr("0123456789ABCDEF", UCase$(Mid$(digits, i, 1))) = 0 Then Exit Function
    Next
    IsHex = True
End Function

' A message box that shows Vietnamese (VBA's MsgBox is not Unicode); returns vbYes, vbOK...
Private Function Say(ByVal text As String, Optional ByVal buttons As Long = vbOKOnly) As Long
    Dim title As String
    title = U("T\u1EA1o b\u00E1o c\u00E1o")
    Say = MessageBoxW(Application.hWnd, StrPtr(text), StrPtr(title), buttons Or MB_SETFOREGROUND)
End Function

Private Sub OpenFile(ByVal wb As Workbook, ByVal path As String)
    Dim verb As String
    verb = "open"
    If ShellExecuteW(0, StrPtr(verb), StrPtr(path), 0, 0, SW_SHOWNORMAL) <= 32 Then
        wb.FollowHyperlink path
    End If
End Sub

Private Function EnvVar(ByVal wsh As Object, ByVal name As String) As String
    Dim value As String
    value = wsh.ExpandEnvironmentStrings("%" & name & "%")
    If value <> "%" & name & "%" Then EnvVar = value
End Function

Private Function Quote(ByVal text As String) As String
    Quote = """" & text & """"
End Function

Private Function ReadUtf8(ByVal fso As Object, ByVal path As String) As String
    Dim stream As Object
    If Not fso.FileExists(path) Then Exit Function
    Set stream = CreateObject("ADODB.Stream")
    stream.Type = 2
    stream.Charset = "utf-8"
    stream.Open
    stream.LoadFromFile path
    ReadUtf8 = stream.ReadText(-1)
    stream.Close
End Function
