"""Ví dụ dùng thư viện bdt_docx từ Python (example of the Python API).

Chạy từ thư mục gốc của kho mã:  python examples/tao_bao_cao.py
"""

from pathlib import Path

import bdt_docx

HERE = Path(__file__).parent
WORKBOOK = HERE / "bao_cao_bau_cu_2021.xlsx"

# 1. Cả hai bước trong một lần gọi: đọc sổ Excel, điền mẫu kèm theo, ghi báo cáo.
try:
    report = bdt_docx.fill_report(
        WORKBOOK, output=HERE / "bao_cao_bau_cu_2021.docx", overwrite=True
    )
    print("Đã tạo:", report)
except bdt_docx.BdtDocxError as error:
    print(error)  # thông báo tiếng Việt, liệt kê mọi lỗi kèm trang tính và ô
    for problem in error.problems:  # hoặc từng lỗi, cho chương trình
        print(problem.field, problem.sheet, problem.cell, problem.message)

# 2. Số liệu lấy từ nơi khác: sửa ngữ cảnh rồi điền mẫu.
context = bdt_docx.read_workbook(WORKBOOK)
context["so_nguoi_di_bau_cu"] = 24
report = bdt_docx.render_report(context, output=HERE / "bao_cao_24_nguoi.docx", overwrite=True)
print("Đã tạo:", report)
