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
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(ref('int_customer_fingerprints')) }}",
    )
}}

with

{#
    built per customer: only the customers whose fingerprint changed (see the
    macro). A full build reads the table where the records are used rather
    than storing a copy; a daily build stores the few records it reads, so
    that the filter runs once.
#}
customer_records as {{ not_materialized() if not is_incremental() }} (

    select *
    from {{ ref('int_customer_records_assigned') }}
    where {{ is_customer_to_build(ref('int_customer_fingerprints'), is_incremental()) }}

),

customer_fingerprints as (

    select * from {{ ref('int_customer_fingerprints') }}

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
            {# the latest record, ties to the larger id #}
            {{ latest_record_marker('observed_at', 'source_record_id') }} as latest_record_marker
        from customer_records
        where {{ attribute }} is not null
        group by customer_id, cast({{ attribute }} as {{ text_type }}), source_table
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        grouped.customer_id,
        grouped.attribute_name,
        grouped.attribute_value,
        grouped.source_table,
        {{ latest_record_id('grouped.latest_record_marker') }} as source_record_id,
        grouped.record_count,
        grouped.observed_at,
        customer_fingerprints.records_fingerprint,
        {{ run_started_at_second() }} as built_at
    from grouped
    inner join customer_fingerprints
        on grouped.customer_id = customer_fingerprints.customer_id

)

select * from final
