import yaml

from cleaner.learn import SiteProfile, learn_site, page_lines


def test_lines_on_most_pages_become_a_drop_rule():
    p = SiteProfile("example.org")
    for i in range(4):
        p.add_page(page_lines(f"Home\nComments (1{i})\nArticle {i} says something new.\n"))
    learned = learn_site(p)
    rule = yaml.safe_load(learned.yaml_text)["rules"][0]
    assert rule["action"] == "drop" and "Home" in rule["match"]["literal"]


def test_a_site_with_two_pages_learns_nothing():
    p = SiteProfile("example.org")
    for i in range(2):
        p.add_page(page_lines("Home\nText.\n"))
    learned = learn_site(p)
    assert learned.yaml_text is None and "fewer than" in learned.reason
