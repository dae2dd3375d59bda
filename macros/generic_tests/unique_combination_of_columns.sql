{#
    Nulls group together, so (1, null) twice counts as a repeat: a key with a
    missing part is no better than a duplicated one.
#}
{% macro default__test_unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = [combination_of_columns] if combination_of_columns is string else combination_of_columns -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error("unique_combination_of_columns: combination_of_columns must list at least one column") }}
    {%- endif %}

with repeated_combinations as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

)

select * from repeated_combinations

{% endmacro %}
