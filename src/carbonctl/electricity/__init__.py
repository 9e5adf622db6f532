"""Electricity–carbon rapid assessment (电—碳快速评估, seed measure 二十一): meter data pipeline
(Ibis on DuckDB or Spark), the electricity–carbon model, nowcasts, backtests and bulletins."""
