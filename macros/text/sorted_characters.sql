{#
    The characters of a text in ascending order ('penamargaret' gives
    'aaaeegmnprrt'): two texts spelt from the same letters in another order
    get the same key. Meant for short ASCII keys, where every
    engine orders characters by their code; null stays null.
#}

{% macro sorted_characters(expression) -%}
    {{ return(adapter.dispatch('sorted_characters', 'customer360')(expression)) }}
{%- endmacro %}

{# Spark: split on the empty pattern gives one element per character. #}
{% macro default__sorted_characters(expression) -%}
    array_join(array_sort(split({{ expression }}, '')), '')
{%- endmacro %}

{% macro duckdb__sorted_characters(expression) -%}
    array_to_string(list_sort(string_split({{ expression }}, '')), '')
{%- endmacro %}

{# The "C" collation orders by code point whatever the database's locale. #}
{% macro postgres__sorted_characters(expression) -%}
    (
        select string_agg(sorted_character, '' order by sorted_character collate "C")
        from regexp_split_to_table({{ expression }}, '') as sorted_character
    )
{%- endmacro %}
