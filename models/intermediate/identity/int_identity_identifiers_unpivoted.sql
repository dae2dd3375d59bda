{#
    One row per (record, identifier): the long form that matching groups by.
    An email is matched through its SHA-256 so that enrichment profiles that
    only share a hashed address join the same way as clear ones; a provided
    hash equal to the one computed from the clear address is not repeated.
#}
{%- set text_null = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set identifier_columns = [
    {'type': 'account_id', 'value': 'account_id', 'clear_column': 'account_id'},
    {'type': 'email', 'value': 'email_sha256', 'clear_column': 'email'},
    {'type': 'email', 'value': 'provided_email_sha256', 'clear_column': text_null,
     'also': "provided_email_sha256 <> coalesce(email_sha256, '')"},
    {'type': 'phone', 'value': 'phone', 'clear_column': 'phone'},
    {'type': 'loyalty_card_number', 'value': 'loyalty_card_number', 'clear_column': 'loyalty_card_number'},
    {'type': 'social_handle', 'value': 'social_handle', 'clear_column': 'social_handle'},
] -%}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

final as (

    {% for column in identifier_columns %}
        select
            record_key,
            '{{ column.type }}' as identifier_type,
            {{ column.value }} as identifier_value,
            {{ column.clear_column }} as clear_value,
            first_name_key,
            coalesce(email_sha256, provided_email_sha256) as email_key
        from records
        where {{ column.value }} is not null{% if column.also %} and {{ column.also }}{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
