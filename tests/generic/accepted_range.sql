{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {{ return(adapter.dispatch('test_accepted_range', 'customer360')(model, column_name, min_value, max_value, inclusive)) }}
{% endtest %}
