"""Key enterprises (重点企业): identity by unified social credit code, location, industry."""
