{#
    Written between a CTE's `as` and its body: asks the engine to compute the
    CTE where it is used instead of storing its rows first.

    DuckDB stores every CTE that a query reads more than once. For a CTE that
    only selects or joins a few columns of a large table, storing it costs far
    more than reading the table again: the rows are copied into fresh memory,
    and on these machines a page touched for the first time is dear (CPU
    seconds at 1,000,000 customers, each form timed twice in turn: the 3.8 M
    records grouped eleven times into the golden-record candidates 13.9 to
    15.4 against 18.2 to 21.7; the 6.8 M identifier rows of
    int_identity_identifiers_guarded 15.1 to 17.0 against 24.2 to 27.0;
    docs/benchmark.md). Use it only where a stored copy saves no work.

    PostgreSQL also accepts NOT MATERIALIZED, but stores a CTE read more than
    once for good reasons of its own (no shared scans), so it keeps its own
    choice here, as does any other engine.
#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'customer360')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
