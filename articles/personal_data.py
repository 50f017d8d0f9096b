"""The health library in the register of personal data (clinic/personal_data.py): written by
staff for everyone to read, it holds nothing about patients."""

from clinic.personal_data import STAFF_AND_PUBLIC, Holding

HOLDINGS = [
    Holding(
        key="articles",
        title="Health library",
        kept=f"Articles, topics, references and images are {STAFF_AND_PUBLIC}",
        models=(
            "articles.Topic",
            "articles.Article",
            "articles.ArticleReference",
            "articles.ArticleSlugRedirect",
            "articles.ArticleImage",
        ),
    ),
]
