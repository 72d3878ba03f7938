Attribute VB_Name = "XltoolRibbon"
' xltool add-in: callbacks of the ribbon tab in macros/customUI14.xml.
' Each button calls one Python entry point of xltool.excel through xlwings' RunPython;
' all logic lives in Python. This file is ASCII on purpose: the VBA editor imports .bas
' files in the system code page, so the Chinese labels live in the (UTF-8) ribbon XML.
' Needs the xlwings VBA module in the same project (the add-in is built from xlwings'
' own ribbon add-in template by "xltool addin build").
Option Explicit

' Ribbon: validate the open workbook, colour cells, add notes, write a result sheet.
Public Sub XltoolValidate(control As IRibbonControl)
    RunPython "import xltool.excel; xltool.excel.validate()"
End Sub

' Ribbon: tint the rows past their deadline that are not done.
Public Sub XltoolMarkOverdue(control As IRibbonControl)
    RunPython "import xltool.excel; xltool.excel.mark_overdue()"
End Sub

' Ribbon: unmerge merged cells in task tables and write the inherited values.
Public Sub XltoolFillMerged(control As IRibbonControl)
    RunPython "import xltool.excel; xltool.excel.fill_merged()"
End Sub

' Ribbon: per-unit figures and scores of this workbook in a summary sheet.
Public Sub XltoolRollup(control As IRibbonControl)
    RunPython "import xltool.excel; xltool.excel.rollup_scores()"
End Sub

' Ribbon: restore the colours changed by xltool and remove its notes and sheets.
Public Sub XltoolClearMarks(control As IRibbonControl)
    RunPython "import xltool.excel; xltool.excel.clear_marks()"
End Sub
