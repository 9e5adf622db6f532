"""Users, their roles (角色) and the regions or enterprise each may see (数据权限)."""
