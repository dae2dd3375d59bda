{#
    Shared by both phone macros. An extension starts at "ext", "x" or "#"
    (ext. 12, extension 12, x12, #12, ;ext=12) and runs to the end of the text.
#}
{% macro phone_extension_marker() -%}
    {{ return('(ext|x|#)') }}
{%- endmacro %}


{% macro phone_to_e164(phone, calling_code) -%}
    {{ return(adapter.dispatch('phone_to_e164', 'customer360')(phone, calling_code)) }}
{%- endmacro %}

{% macro default__phone_to_e164(phone, calling_code) -%}
    {%- set text_type = dbt.type_string() | lower -%}
    {%- set text = 'lower(trim(cast(' ~ phone ~ ' as ' ~ text_type ~ ')))' -%}
    {%- set without_extension = customer360.regex_replace(text, "'" ~ customer360.phone_extension_marker() ~ ".*$'", "''") -%}
    {%- set digits = customer360.regex_replace(without_extension, "'[^0-9]'", "''") -%}
    {%- set code_digits = customer360.regex_replace('cast(' ~ calling_code ~ ' as ' ~ text_type ~ ')', "'[^0-9]'", "''") -%}
    {%- set code = "nullif(" ~ code_digits ~ ", '')" -%}
    {#- the number as country code + national number, digits only -#}
    {%- set international -%}
        case
            when {{ customer360.regex_matches(text, "'^[^0-9]*[+]'") }} then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
            when {{ code }} = '1' and {{ customer360.regex_matches(digits, "'^1[0-9]{10}$'") }} then {{ digits }}
            when {{ code }} = '86' and {{ customer360.regex_matches(digits, "'^86[0-9]{11}$'") }} then {{ digits }}
            else {{ code }} || {{ customer360.regex_replace(digits, "'^0'", "''") }}
        end
    {%- endset -%}
    {#-
        Plausible: 8-15 digits, no country code starts with 0, +1 (NANP) has
        exactly 11 digits and an area code not starting 0/1.
    -#}
    {%- set plausible_shape = "'^(1[2-9][0-9]{9}|[2-9][0-9]{7,14})$'" -%}
    {#-
        Implausible: a Chinese mobile (+86 13x-19x) of any length but 13 digits,
        or a national number that is one digit repeated. Country codes are
        prefix-free, so the list below (1 and 7, the two-digit codes, then every
        other three-digit prefix) splits each number in exactly one way.
    -#}
    {%- set country_code = '(1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|2[1-689][0-9]|3[578][0-9]|42[0-9]|5[09][0-9]|6[7-9][0-9]|8[0357-9][0-9]|9[679][0-9])' -%}
    {%- set implausible = "'^(861[3-9]([0-9]{0,8}|[0-9]{10,})|" ~ country_code ~ "(0+|1+|2+|3+|4+|5+|6+|7+|8+|9+))$'" -%}
    case
        when {{ customer360.regex_matches(international, plausible_shape) }}
            and not {{ customer360.regex_matches(international, implausible) }}
            then '+' || {{ international }}
    end
{%- endmacro %}


{% macro phone_extension(phone) -%}
    {{ return(adapter.dispatch('phone_extension', 'customer360')(phone)) }}
{%- endmacro %}

{% macro default__phone_extension(phone) -%}
    {%- set text = 'lower(cast(' ~ phone ~ ' as ' ~ (dbt.type_string() | lower) ~ '))' -%}
    {{ customer360.regex_extract(text, "'" ~ customer360.phone_extension_marker() ~ "[^0-9]*([0-9]+)'", 2) }}
{%- endmacro %}
