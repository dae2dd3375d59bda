{#
    Every value the source records offer for a golden-record attribute, one
    row per customer, attribute, value and source table: how many records of
    that source carry it and the latest of them (the provenance survivorship
    keeps). Grouping here keeps the next step small: a customer's many orders
    carry the same email, phone and postal code over and over.
#}
{%- set attributes = [
    'first_name', 'last_name', 'email', 'phone', 'birth_date', 'gender',
    'street_address', 'city', 'postal_code', 'country_code', 'loyalty_card_number',
] -%}
{%- set text_type = dbt.type_string() -%}

with

customer_records as (

    select * from {{ ref('int_customer_records_assigned') }}

),

{# grouped attribute by attribute: eleven small hash tables on three keys beat one large table on four #}
grouped as (

    {% for attribute in attributes %}
        select
            customer_id,
            '{{ attribute }}' as attribute_name,
            cast({{ attribute }} as {{ text_type }}) as attribute_value,
            source_table,
            count(*) as record_count,
            max(observed_at) as observed_at,
            {# the latest record, ties to the larger id: ISO text of the time sorts like the time #}
            max({{ dbt.concat(['cast(observed_at as ' ~ text_type ~ ')', "'|'", 'source_record_id']) }})
                as latest_record_marker
        from customer_records
        where {{ attribute }} is not null
        group by customer_id, cast({{ attribute }} as {{ text_type }}), source_table
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        customer_id,
        attribute_name,
        attribute_value,
        source_table,
        substr(latest_record_marker, {{ dbt.position("'|'", 'latest_record_marker') }} + 1) as source_record_id,
        record_count,
        observed_at
    from grouped

)

select * from final
