"""Activity-data submissions (数据报送): upload, validate, account, review, correct by version."""
