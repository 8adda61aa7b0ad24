"""`make bench`: builds a dataset at a chosen scale on throwaway PostgreSQL and Redis, measures
pages, statistics, exports, letters and the import, and reports each figure with its ratio to a
baseline measured in the same run (README, "Performance and benchmarks")."""
