{#
    The history marts (dim_customers_history, fct_segment_memberships_history)
    are their snapshot's rows, renamed. A snapshot run at recording time T
    only ever writes T: into dbt_valid_from of the versions it adds and into
    dbt_valid_to of the versions it closes, and T never goes back
    (assert_history_moves_forward). So the rows a daily build must rewrite
    are those stamped at or after the latest valid_from the mart holds; every
    other row is as the mart already has it.
#}

{% macro is_snapshot_row_to_build(incremental) %}
    {#- A predicate on a snapshot's rows: true for every row in a full build;
        in an incremental one, true for the rows written or closed at or
        after the latest recording time the model holds (the same time again,
        so that a rerun of a day rewrites that day's rows). The model passes
        its own is_incremental(). -#}
    {%- if incremental -%}
        coalesce(dbt_valid_to, dbt_valid_from) >= {{ customer360.latest_mark(this, 'valid_from') }}
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}
