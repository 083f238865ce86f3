"""The test suite; it mirrors viewer/ folder by folder (see README, Development)."""
