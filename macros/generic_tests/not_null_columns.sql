{#
    One query for every required column of a model instead of one `not_null` test per column:
    the table is read once (the counts come from one aggregate) and a build runs one test node
    rather than dozens, which is most of a small daily increment's cost.
#}
{% macro default__test_not_null_columns(model, column_names) %}
    {%- set columns = [column_names] if column_names is string else column_names -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error("not_null_columns: column_names must list at least one column") }}
    {%- endif %}

with null_counts as (

    select
        {%- for column in columns %}
        count(*) - count({{ column }}) as null_rows_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

null_counts_by_column as (

    {%- for column in columns %}
    select '{{ column }}' as column_name, null_rows_{{ loop.index }} as null_row_count from null_counts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select column_name, null_row_count
from null_counts_by_column
where null_row_count > 0

{% endmacro %}
