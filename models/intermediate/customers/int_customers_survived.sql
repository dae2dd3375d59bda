{#
    The golden record in wide form: per customer, each attribute's surviving
    value with its provenance (source, source record id, observed at) and, for
    contact points, a verification level from how many sources agree.
#}
{%- set attributes = [
    'first_name', 'last_name', 'email', 'phone', 'birth_date', 'gender',
    'street_address', 'city', 'postal_code', 'country_code', 'loyalty_card_number',
] -%}

with

survived_attributes as (

    select * from {{ ref('int_customer_attributes_survived') }}

),

customer_profiles as (

    select * from {{ ref('int_customers_profiled') }}

),

pivoted as (

    select
        customer_id,
        {% for attribute in attributes %}
            max(case when attribute_name = '{{ attribute }}' then attribute_value end) as {{ attribute }},
            max(case when attribute_name = '{{ attribute }}' then source_table end) as {{ attribute }}_source_table,
            max(case when attribute_name = '{{ attribute }}' then source_record_id end)
                as {{ attribute }}_source_record_id,
            max(case when attribute_name = '{{ attribute }}' then supporting_source_count end)
                as {{ attribute }}_supporting_source_count,
            max(case when attribute_name = '{{ attribute }}' then observed_at end)
                as {{ attribute }}_observed_at{% if not loop.last %}
                ,
            {% endif %}
        {% endfor %}
    from survived_attributes
    group by customer_id

),

final as (

    select
        customer_profiles.customer_id,
        {% for attribute in attributes %}
            {% if attribute == 'birth_date' %}
                cast(pivoted.birth_date as date) as birth_date,
            {% else %}
                pivoted.{{ attribute }},
            {% endif %}
            pivoted.{{ attribute }}_source_table,
            pivoted.{{ attribute }}_source_record_id,
            pivoted.{{ attribute }}_observed_at,
        {% endfor %}
        {% for contact_point in ['email', 'phone'] %}
            case
                when pivoted.{{ contact_point }} is null then 'none'
                when pivoted.{{ contact_point }}_supporting_source_count >= 2 then 'confirmed_by_several_sources'
                else 'single_source'
            end as {{ contact_point }}_verification_level,
        {% endfor %}
        customer_profiles.source_record_count,
        customer_profiles.source_count,
        customer_profiles.loyalty_card_count,
        customer_profiles.birth_date_count,
        customer_profiles.has_conflicting_loyalty_cards,
        customer_profiles.has_conflicting_birth_dates,
        customer_profiles.customer_id_created_at,
        customer_profiles.first_seen_at,
        customer_profiles.last_seen_at
    from customer_profiles
    left outer join pivoted
        on customer_profiles.customer_id = pivoted.customer_id

)

select * from final
