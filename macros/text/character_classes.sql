{#
    Engines disagree on what [[:cntrl:]] and \s cover outside ASCII (RE2 and
    Java: ASCII only; PostgreSQL: the locale's). Listing code points makes the
    classes identical everywhere; each engine spells a code point differently.
#}

{% macro regex_codepoint(hex_code) -%}
    {{ return(adapter.dispatch('regex_codepoint', 'customer360')(hex_code)) }}
{%- endmacro %}

{# RE2 (DuckDB) and Java both read \x{hhhh}. #}
{% macro default__regex_codepoint(hex_code) -%}
    {{ return('\\x{' ~ hex_code ~ '}') }}
{%- endmacro %}

{# PostgreSQL regular expressions read \uhhhh (exactly four hex digits). #}
{% macro postgres__regex_codepoint(hex_code) -%}
    {{ return('\\u' ~ hex_code) }}
{%- endmacro %}

{# Spark string literals unescape backslashes before the regex sees them. #}
{% macro spark__regex_codepoint(hex_code) -%}
    {{ return('\\\\x{' ~ hex_code ~ '}') }}
{%- endmacro %}


{#
    The body of a bracket expression from hex code points and "first-last"
    ranges, e.g. ['0001-001f', '00a0'].
#}
{% macro codepoint_class(code_points) -%}
    {%- set pieces = [] -%}
    {%- for item in code_points -%}
        {%- set bounds = item.split('-') -%}
        {%- if bounds | length == 2 -%}
            {%- do pieces.append(customer360.regex_codepoint(bounds[0]) ~ '-' ~ customer360.regex_codepoint(bounds[1])) -%}
        {%- else -%}
            {%- do pieces.append(customer360.regex_codepoint(item)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(pieces | join('')) }}
{%- endmacro %}


{# C0 controls (tab and newlines included), DEL and the C1 controls. #}
{% macro control_character_class() -%}
    {{ return(customer360.codepoint_class(['0001-001f', '007f-009f'])) }}
{%- endmacro %}


{#
    Space characters that are not controls: no-break and typographic spaces,
    line and paragraph separators, the ideographic space of CJK text, and the
    invisible zero-width space and byte-order mark. Joiners (200c, 200d) are
    left alone: emoji sequences need them.
#}
{% macro whitespace_character_class() -%}
    {{ return(' ' ~ customer360.unusual_space_character_class()) }}
{%- endmacro %}


{# The same spaces without the plain one, which text is full of. #}
{% macro unusual_space_character_class() -%}
    {{ return(customer360.codepoint_class(['00a0', '1680', '2000-200b', '2028', '2029', '202f', '205f', '3000', 'feff'])) }}
{%- endmacro %}
