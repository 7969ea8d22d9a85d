# An internal microservice the Django app calls on localhost: it has no users of its own.
from flask import Flask, request
from PIL import Image

app = Flask(__name__)


@app.route("/generate-thumbnail", methods=["POST"])
def create_thumbnail():
    data = request.get_json()
    image = Image.open(data["source"])
    image.thumbnail((data["width"], data["height"]))
    image.save(data["destination"])
    return {"thumbnail": True}, 201
