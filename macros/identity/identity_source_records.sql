{#
    Every staging record that can say who someone is, one row per record in
    one shape: which column of which source feeds which field is stated once,
    here; a source without a field passes null. is_identity_bearing: the
    record names someone, by an identifier or a name. A till receipt or an
    unsigned survey with neither names nobody, and so does a social
    interaction whose handle was never seen with an email. The identity
    record union keeps the records that name someone, the summary of
    anonymous records counts the rest, and both read this one list.
#}
{% macro identity_sources() %}
{#-
    The sources of identity records, each with its staging model, the source
    table its records are keyed by, its record id column, and the column (or
    expression) feeding each field it has.

    A social handle names someone only once the platform has shared an email
    for it (social login) on some interaction: the handle then joins that
    person's interactions together. A handle never seen with an email is an
    audience member nobody can reach, and its interactions name nobody.
-#}
{%- set handle_seen_with_email -%}
    case
        when handle in (
            select handles_with_email.handle
            from {{ ref('stg_social__interactions') }} as handles_with_email
            where handles_with_email.email is not null
        ) then handle
    end
{%- endset -%}
{%- set identity_sources = [
    {'model': 'stg_web__accounts', 'source_table': 'web_accounts', 'record_id': 'account_id',
     'account_id': 'account_id', 'email': 'email', 'email_as_given': 'email_as_given', 'phone': 'phone',
     'first_name': 'first_name', 'last_name': 'last_name', 'birth_date': 'birth_date',
     'postal_code': 'postal_code', 'observed_at': 'updated_at', 'gender': 'gender', 'city': 'city', 'country_code': 'country_code', 'street_address': 'street_address'},
    {'model': 'stg_shop__orders', 'source_table': 'shop_orders', 'record_id': 'order_id',
     'account_id': 'account_id', 'email': 'guest_email', 'email_as_given': 'guest_email_as_given', 'phone': 'guest_phone',
     'loyalty_card_number': 'loyalty_card_number', 'postal_code': 'shipping_postal_code',
     'observed_at': 'updated_at', 'country_code': 'shipping_country_code'},
    {'model': 'stg_crm__contacts', 'source_table': 'crm_contacts', 'record_id': 'contact_id',
     'email': 'email', 'email_as_given': 'email_as_given', 'phone': 'phone', 'first_name': 'first_name', 'last_name': 'last_name',
     'observed_at': 'updated_at', 'city': 'city', 'country_code': 'country_code'},
    {'model': 'stg_email__subscribers', 'source_table': 'email_subscribers', 'record_id': 'subscriber_id',
     'email': 'email', 'email_as_given': 'email_as_given', 'first_name': 'first_name', 'last_name': 'last_name', 'observed_at': 'updated_at'},
    {'model': 'stg_social__interactions', 'source_table': 'social_interactions', 'record_id': 'interaction_id',
     'email': 'email', 'email_as_given': 'email_as_given', 'social_handle': handle_seen_with_email, 'observed_at': 'occurred_at'},
    {'model': 'stg_support__tickets', 'source_table': 'support_tickets', 'record_id': 'ticket_id',
     'account_id': 'account_id', 'email': 'email', 'email_as_given': 'email_as_given', 'phone': 'phone', 'observed_at': 'updated_at'},
    {'model': 'stg_support__surveys', 'source_table': 'support_surveys', 'record_id': 'survey_id',
     'account_id': 'account_id', 'email': 'email', 'email_as_given': 'email_as_given', 'observed_at': 'submitted_at'},
    {'model': 'stg_loyalty__members', 'source_table': 'loyalty_members', 'record_id': 'member_id',
     'email': 'email', 'email_as_given': 'email_as_given', 'phone': 'phone', 'loyalty_card_number': 'card_number',
     'first_name': 'first_name', 'last_name': 'last_name', 'birth_date': 'birth_date',
     'postal_code': 'postal_code', 'observed_at': 'updated_at', 'country_code': 'country_code'},
    {'model': 'stg_enrichment__profiles', 'source_table': 'enrichment_profiles', 'record_id': 'profile_id',
     'email': 'email', 'email_as_given': 'email_as_given', 'provided_email_sha256': 'email_sha256', 'postal_code': 'postal_code',
     'observed_at': 'refreshed_at', 'gender': 'gender', 'city': 'city', 'country_code': 'country_code'},
    {'model': 'stg_privacy__requests', 'source_table': 'privacy_requests', 'record_id': 'request_id',
     'account_id': 'account_id', 'email': 'email', 'email_as_given': 'email_as_given', 'phone': 'phone', 'observed_at': 'requested_at'},
] -%}
{{- return(identity_sources) -}}
{% endmacro %}


{% macro identity_source_records(record_keys=none) %}
{#- record_keys: a relation of source_table and source_record_id; when given,
    only those records are read (each source's rows filtered on its own). -#}
{%- set identity_sources = customer360.identity_sources() -%}
{%- set text_type = dbt.type_string() -%}
{#- fields a source may lack (null then), in output order -#}
{%- set optional_fields = [
    ('account_id', text_type), ('email', text_type), ('email_as_given', text_type),
    ('provided_email_sha256', text_type), ('phone', text_type),
    ('loyalty_card_number', text_type), ('social_handle', text_type), ('first_name', text_type),
    ('last_name', text_type), ('postal_code', text_type), ('street_address', text_type), ('city', text_type),
    ('country_code', text_type), ('gender', text_type), ('birth_date', 'date'),
] -%}


    select
        source_records.*,
        coalesce(
            account_id, email, provided_email_sha256, phone, loyalty_card_number, social_handle,
            first_name, last_name
        ) is not null as is_identity_bearing
    from (
    {%- for source in identity_sources %}
        select
            '{{ source.source_table }}' as source_table,
            {{ source.record_id }} as source_record_id,
            {% for field, field_type in optional_fields %}
                {{ source.get(field, 'cast(null as ' ~ field_type ~ ')') }} as {{ field }},
            {% endfor %}
            {{ source.observed_at }} as observed_at,
            _batch_id as delivered_batch_id,
            _loaded_at as delivered_at
        from {{ ref(source.model) }}
        {%- if record_keys is not none %}
        where {{ source.record_id }} in (
            select record_keys.source_record_id
            from {{ record_keys }} as record_keys
            where record_keys.source_table = '{{ source.source_table }}'
        )
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    ) as source_records
{% endmacro %}
