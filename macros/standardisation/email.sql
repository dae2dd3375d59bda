{% macro clean_email(expression) -%}
    {{ return(adapter.dispatch('clean_email', 'customer360')(expression)) }}
{%- endmacro %}

{# No whitespace or control character is legal in an address, so none is kept. #}
{% macro default__clean_email(expression) -%}
    {%- set blanks = "'[" ~ customer360.control_character_class() ~ customer360.whitespace_character_class() ~ "]+'" -%}
    nullif({{ customer360.regex_replace('lower(' ~ expression ~ ')', blanks, "''") }}, '')
{%- endmacro %}


{% macro email_local_part(email) -%}
    {{ return(adapter.dispatch('email_local_part', 'customer360')(email)) }}
{%- endmacro %}

{# Split at the last "@": quoted local parts may contain one. #}
{% macro default__email_local_part(email) -%}
    case when {{ email }} like '%@%' then nullif({{ customer360.regex_replace(email, "'@[^@]*$'", "''") }}, '') end
{%- endmacro %}


{% macro email_domain(email) -%}
    {{ return(adapter.dispatch('email_domain', 'customer360')(email)) }}
{%- endmacro %}

{% macro default__email_domain(email) -%}
    case when {{ email }} like '%@%' then nullif({{ customer360.regex_replace(email, "'^.*@'", "''") }}, '') end
{%- endmacro %}


{% macro canonical_email(local_part, domain) -%}
    {{ return(adapter.dispatch('canonical_email', 'customer360')(local_part, domain)) }}
{%- endmacro %}

{#
    Gmail ignores dots and everything after "+" in the local part, and
    googlemail.com is the same mailbox. Elsewhere only "+tag" sub-addressing is
    common enough to strip; dots can be significant.
#}
{% macro default__canonical_email(local_part, domain) -%}
    {%- set untagged = customer360.regex_replace(local_part, "'[+].*$'", "''") -%}
    case
        when {{ domain }} in ('gmail.com', 'googlemail.com')
            then nullif(replace({{ untagged }}, '.', ''), '') || '@gmail.com'
        else nullif({{ untagged }}, '') || '@' || {{ domain }}
    end
{%- endmacro %}


{% macro email_as_given(local_part, domain) -%}
    {{ return(adapter.dispatch('email_as_given', 'customer360')(local_part, domain)) }}
{%- endmacro %}

{# The address with its (corrected) domain but the local part untouched: what providers hash. #}
{% macro default__email_as_given(local_part, domain) -%}
    {{ dbt.concat([local_part, "'@'", domain]) }}
{%- endmacro %}


{% macro email_as_given_where_changed(given, canonical) -%}
    {#- The address as given, for a valid address that canonicalisation changed; else null. -#}
    case
        when {{ customer360.is_valid_email(canonical) }} and {{ given }} <> {{ canonical }} then {{ given }}
    end
{%- endmacro %}


{% macro is_valid_email(email) -%}
    {{ return(adapter.dispatch('is_valid_email', 'customer360')(email)) }}
{%- endmacro %}

{# The contract's pattern with "\." written as "[.]", which needs no escaping anywhere. #}
{% macro default__is_valid_email(email) -%}
    {{ customer360.regex_matches(email, "'^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$'") }}
{%- endmacro %}
