Attribute VB_Name = "XltoolRibbon"
' xltool add-in: callbacks of the ribbon tab in macros/customUI14.xml.
' Each button calls one Python entry point of xltool.excel through xlwings' RunPython;
' all logic lives in Python, which also shows its own Chinese message on any failure.
' This file is ASCII with CRLF line ends on purpose: the VBA editor imports .bas files in
' the system code page, so Chinese text is built from its code points (Zh) and the labels
' live in the (UTF-8) ribbon XML. Needs the xlwings VBA module in the same project.
Option Explicit

' Ribbon: validate the open workbook, colour cells, add notes, write a result sheet.
Public Sub XltoolValidate(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.validate()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' Ribbon: tint the rows past their deadline that are not done.
Public Sub XltoolMarkOverdue(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.mark_overdue()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' Ribbon: back the workbook up, unmerge merged cells in task tables, write the inherited values.
Public Sub XltoolFillMerged(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.fill_merged()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' Ribbon: per-unit figures and scores of this workbook in a sheet of the add-in.
Public Sub XltoolRollup(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.rollup_scores()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' Ribbon: the circular (tong bao) draft of this workbook's figures, a Word document beside it.
Public Sub XltoolCircular(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.circular_draft()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' Ribbon: restore the fills changed by xltool, remove its notes and its sheets.
Public Sub XltoolClearMarks(control As IRibbonControl)
    On Error GoTo Oops
    If ActiveWorkbook Is Nothing Then
        MsgBox Zh("8BF7 5148 6253 5F00 8981 5904 7406 7684 53F0 8D26 5DE5 4F5C 7C3F FF0C 518D 70B9 8FD9 4E2A 6309 94AE 3002"), vbExclamation, Title()
        Exit Sub
    End If
    RunPython "import xltool.excel; xltool.excel.clear_marks()"
    Exit Sub
Oops:
    ShowFailure Err.Description
End Sub

' A failure on the VBA side (Python not found, xlwings missing): one message, in Chinese.
Private Sub ShowFailure(description As String)
    MsgBox Zh("8FD0 884C 51FA 9519 FF1A") & description & vbCrLf & _
        Zh("8BF7 5728 547D 4EE4 884C 8FD0 884C") & " xltool addin doctor " & Zh("68C0 67E5") & " Python " & _
        Zh("548C") & " xltool " & Zh("7684 5B89 88C5 3002"), vbCritical, Title()
End Sub

Private Function Title() As String
    Title = Zh("653F 52A1 516C 5F00 53F0 8D26")
End Function

' Text from its Unicode code points in hex, separated by spaces.
Private Function Zh(codes As String) As String
    Dim part As Variant
    For Each part In Split(codes, " ")
        Zh = Zh & ChrW(CLng("&H" & part))
    Next part
End Function
