"""Satisfaction evaluations (满意度测评): secret ratings by deputies, rectification, the public evaluation."""
