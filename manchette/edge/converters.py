"""URL converters every app uses: a value out of the database's range is a 404, not an overflow (a 500)."""


class DatabaseId:
    # 18 digits always fit a signed 64-bit integer, the largest key SQLite and PostgreSQL hold.
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
