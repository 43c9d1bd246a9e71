"""Payment-register file readers: .xlsx (python-calamine), .csv and 1C bank exchange.

    parsed = read_register(filename, data, ReadLimits.from_config(max_file_mb, max_rows))

`RegisterFileError` is the only exception the readers raise; row problems are in
`parsed.errors`, in-file duplicates and similar remarks in `parsed.warnings`.
"""

from formats.registers.errors import RegisterFileError
from formats.registers.limits import ReadLimits
from formats.registers.read import read_register

__all__ = ["ReadLimits", "RegisterFileError", "read_register"]
