"""Happy paths of batch submission and network following, validated against the OpenAPI description."""

from test_openapi import CHECKS, GOOD, schema, site  # noqa: F401 (fixtures)


def test_batch_and_follow_answers_match_the_description(site, schema):  # noqa: F811
    editor = {"Authorization": f"Bearer {site.tokens['editor']}"}
    member = {"Authorization": f"Bearer {site.tokens['member']}"}
    batch = schema["/api/submissions/batch"]["POST"].Case(
        body={"file": [GOOD.replace("Lektiecafé", "Batch-lektiecafé").encode(), b"---\ntitle: x\n---\n"]},
        media_type="multipart/form-data",
    )
    response = batch.call_and_validate(headers=editor, checks=CHECKS)
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == [201, 422]
    for method, following in (("PUT", True), ("DELETE", False)):
        case = schema["/api/networks/{slug}/follow"][method].Case(path_parameters={"slug": "vestegnen"})
        answer = case.call_and_validate(headers=member, checks=CHECKS)
        assert answer.status_code == 200 and answer.json()["following"] is following
