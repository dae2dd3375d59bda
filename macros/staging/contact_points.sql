{#-
    Every base model that carries an email or a phone standardises and checks
    it the same way; these macros hold that one way. They follow the base
    models' column naming: `<column>_cleaned` as read, `<column>_canonical`
    and `<column>_given` once standardised, `<column>` once checked.
-#}

{% macro standardised_email_columns(relation, email_column='email') %}
    {#- A known typo in the domain is corrected before the address is canonicalised. -#}
    {%- set cleaned = relation ~ '.' ~ email_column ~ '_cleaned' -%}
    {%- set local_part = customer360.email_local_part(cleaned) -%}
    {%- set domain = 'coalesce(email_domain_typos.corrected_domain, ' ~ customer360.email_domain(cleaned) ~ ')' -%}
    {{ customer360.canonical_email(local_part, domain) }} as {{ email_column }}_canonical,
        {{ customer360.email_as_given(local_part, domain) }} as {{ email_column }}_given
{%- endmacro %}


{% macro email_domain_typo_join(relation, email_column='email') %}
    left outer join email_domain_typos
        on {{ customer360.email_domain(relation ~ '.' ~ email_column ~ '_cleaned') }} = email_domain_typos.typo_domain
{%- endmacro %}


{% macro check_contact_points(relation, email_column=none, phone_column=none) %}
    {#- Placeholders are listed as staging writes them: cleaned or canonical email, E.164 phone. -#}
    {%- if email_column is none and phone_column is none -%}
        {{ exceptions.raise_compiler_error('check_contact_points needs an email_column, a phone_column or both') }}
    {%- endif -%}
    {%- set email = relation ~ '.' ~ email_column -%}
    {%- set phone = relation ~ '.' ~ phone_column -%}
    select
        {{ relation }}.*
        {%- if email_column is not none %},
        case
            when {{ customer360.is_valid_email(email ~ '_canonical') }} then {{ email }}_canonical
        end as {{ email_column }},
        {{ customer360.email_as_given_where_changed(email ~ '_given', email ~ '_canonical') }}
        as {{ email_column }}_as_given,
        (
            {{ email_column }}_placeholders_cleaned.placeholder_value is not null
            or {{ email_column }}_placeholders_canonical.placeholder_value is not null
        ) as is_{{ email_column }}_placeholder,
        {{ email }}_cleaned is not null
        and not coalesce({{ customer360.is_valid_email(email ~ '_canonical') }}, false)
        as has_invalid_{{ email_column }}
        {%- endif %}
        {%- if phone_column is not none %},
        {{ phone_column }}_placeholders.placeholder_value is not null as is_{{ phone_column }}_placeholder,
        {{ phone }}_cleaned is not null and {{ phone }} is null as has_invalid_{{ phone_column }}
        {%- endif %}
    from {{ relation }}
    {%- if email_column is not none %}
    left outer join identifier_placeholders as {{ email_column }}_placeholders_cleaned
        on
            {{ email }}_cleaned = {{ email_column }}_placeholders_cleaned.placeholder_value
            and {{ email_column }}_placeholders_cleaned.identifier_type = 'email'
    left outer join identifier_placeholders as {{ email_column }}_placeholders_canonical
        on
            {{ email }}_canonical = {{ email_column }}_placeholders_canonical.placeholder_value
            and {{ email_column }}_placeholders_canonical.identifier_type = 'email'
    {%- endif %}
    {%- if phone_column is not none %}
    left outer join identifier_placeholders as {{ phone_column }}_placeholders
        on
            {{ phone }} = {{ phone_column }}_placeholders.placeholder_value
            and {{ phone_column }}_placeholders.identifier_type = 'phone'
    {%- endif %}
{% endmacro %}
