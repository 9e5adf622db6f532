"""Targets and their allocation to cities (目标分解): the allocation workbench."""
