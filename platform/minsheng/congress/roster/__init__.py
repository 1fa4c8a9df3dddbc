"""The roster (代表名册): the deputies entitled to vote and their accounts, Excel import and export."""
