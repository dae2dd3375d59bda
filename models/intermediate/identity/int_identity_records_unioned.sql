{#
    Every staging record that says who someone is (an identifier or a name),
    in one list with its identifiers and matching attributes. The sources
    and which of their columns feed which field: identity_source_records.
    Records that name nobody stay in staging and in the facts, without a
    customer; int_identity_anonymous_records_summarised counts them.
#}

with

source_records as (

    {{ identity_source_records() }}

),

final as (

    select
        {{ dbt.concat(['source_table', "':'", 'source_record_id']) }} as record_key,
        source_table,
        source_record_id,
        account_id,
        email,
        {{ sha256_hex('email') }} as email_sha256,
        email_as_given,
        {{ sha256_hex('email_as_given') }} as email_as_given_sha256,
        provided_email_sha256,
        phone,
        loyalty_card_number,
        lower(social_handle) as social_handle,
        first_name,
        last_name,
        street_address,
        city,
        postal_code,
        country_code,
        gender,
        {{ name_match_key('first_name') }} as first_name_key,
        {{ name_match_key('last_name') }} as last_name_key,
        upper({{ regex_replace('postal_code', "'[^0-9A-Za-z]'", "''") }}) as postal_code_key,
        birth_date,
        observed_at
    from source_records
    where is_identity_bearing

)

select * from final
