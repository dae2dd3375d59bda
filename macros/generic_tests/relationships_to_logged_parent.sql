{#
    dbt's relationships test (every non-null value of `column_name` is a
    `field` of `to`), for a parent built by version that keeps a deletion log
    (macros/incremental/changes_since_built.sql) and a child whose rows are
    stamped when written (`written_at_column`).

    In the daily pipeline, C360_BUILD_CHECKED_THROUGH is when the last
    completed day finished, all its tests passed (as in
    macros/generic_tests/rows_written_since_check.sql). A child row could
    only have lost its parent since if it was written since, or if its parent
    was deleted since; so only those rows are read: the child rows written
    since, and those naming a parent value in the parent's deletion log since
    (a value deleted and written again is read to no effect). When the log
    does not reach back to that time, or outside the pipeline, every row is
    read.
#}
{% macro default__test_relationships_to_logged_parent(model, column_name, to, field, written_at_column) %}
    {%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none -%}
    {%- set read_changes_only = checked_through is not none and customer360.changes_are_complete(
        {'complete': customer360.deletion_log_covers(to, checked_through)}
    ) %}

with

child as (

    select {{ column_name }} as from_field
    from {{ model }}
    where
        {{ column_name }} is not null
        {%- if read_changes_only %}
        and (
            {{ written_at_column }} >= {{ checked_through }}
            or {{ column_name }} in (
                {{ customer360.deletions_since(to, [field], checked_through, inclusive=true) }}
            )
        )
        {%- endif %}

),

parent as (

    select {{ field }} as to_field
    from {{ to }}

)

select child.from_field
from child
left outer join parent
    on child.from_field = parent.to_field
where parent.to_field is null

{% endmacro %}
