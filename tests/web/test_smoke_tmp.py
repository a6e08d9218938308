def test_pages(client, archive):
    for url in ["/", "/.json", "/browse/", "/browse.json", "/browse/collections/", "/browse/collections.json",
                "/browse/dates/", "/browse/dates/?decade=1940", "/browse/dates/?year=1944", "/browse/dates/?year=1944&month=2",
                "/browse/dates.json?year=1944", "/browse/people/", "/browse/places.json", "/browse/people/?q=сталин",
                "/person/person-stalin-joseph/", "/person/person-stalin-joseph.json",
                "/document/209771/", "/document/209771/?q=Stalin+Shantung", "/document/209771.json",
                "/document/frus1944v04/d2/", "/collection/frus1944v04-ch1/", "/collection/harriman-papers/?container=171",
                "/sitemap.xml", "/robots.txt", "/iiif/209771/manifest.json", f"/iiif/image/{archive.page.pk}/info.json",
                f"/iiif/image/{archive.page.pk}/full/max/0/default.jpg", "/document/209771/cite.bib",
                "/document/209771/cite.ris", "/document/209771/cite.csl.json", "/document/209771/cite.txt?style=apa"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:2000])
        print(url, r.status_code)
