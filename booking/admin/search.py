"""Finding people in the admin's lists as the front desk types them."""

from booking.rules import patients


class PhoneSearch:
    """An admin's search that finds a phone number however it is typed ("(416) 555-0103",
    "555-0103", "4165550103"), in `phone_search_field`; any other term searches
    `search_fields` as usual (partial name or email)."""

    phone_search_field = "phone"

    def get_search_results(self, request, queryset, search_term):
        by_phone = patients.by_phone(self.phone_search_field, search_term)
        if by_phone is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(by_phone), False
