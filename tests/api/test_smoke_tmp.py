def test_smoke(api, api_as, member):
    r = api.post("/users", json={"username": "zed", "email": "z@example.com", "password": "12345678"})
    assert r.status_code == 201, r.json
    r = api.post("/tokens", json={"username": "zed", "password": "12345678"})
    assert r.status_code == 201, r.json
    a = api_as(member)
    r = a.post("/questions", json={"title": "A question title long enough", "body": "x" * 40, "tags": ["a", "b"]})
    assert r.status_code == 201, r.json
    qid = r.json["id"]
    r = a.post(f"/questions/{qid}/answers", json={"body": "y" * 40})
    assert r.status_code == 201, r.json
    r = a.post(f"/posts/{qid}/comments", json={"body": "z" * 20})
    assert r.status_code == 201, r.json
    r = api.get(f"/questions/{qid}")
    assert r.status_code == 200 and len(r.json["answers"]) == 1, r.json
    r = api.get("/questions?sort=votes")
    assert r.json["total"] == 1
    r = api.get("/nope")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found", r.data
    r = api.post("/questions", data="{bad", content_type="application/json")
    assert r.status_code == 401, r.json
    r = a.post("/questions", data="{bad", content_type="application/json")
    assert r.status_code == 400, r.json
    r = a.patch(f"/questions/{qid}", json={"title": "A different title that is long"})
    assert r.status_code == 200, r.json
    r = api.get(f"/posts/{qid}/revisions")
    assert r.json["total"] == 2
