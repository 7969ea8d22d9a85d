from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required

from .extensions import db
from .models import Document, Folder, Share

bp = Blueprint("documents", __name__, url_prefix="/api")


def _can_share(document, user_id):
    return document.owner_id == user_id


@bp.get("/documents/<int:doc_id>")
@jwt_required()
def get_document(doc_id):
    doc = Document.query.get_or_404(doc_id)  # expect: PR106
    return jsonify(doc.to_dict())


@bp.get("/documents/<int:doc_id>/meta")
@jwt_required()
def document_meta(doc_id):
    doc = Document.query.get_or_404(doc_id)
    if doc.owner_id != get_jwt_identity():
        shared = Share.query.filter_by(document_id=doc.id, user_id=get_jwt_identity()).first()
        if shared is None:
            abort(404)
    return jsonify({"id": doc.id, "title": doc.title, "updated_at": doc.updated_at.isoformat()})


@bp.patch("/documents/<int:doc_id>")
@jwt_required()
def update_document(doc_id):
    doc = Document.query.filter_by(id=doc_id, owner_id=get_jwt_identity()).first_or_404()
    payload = request.get_json(force=True)
    doc.title = payload.get("title", doc.title)
    doc.content = payload.get("content", doc.content)
    db.session.commit()
    return jsonify(doc.to_dict())


@bp.post("/documents/<int:doc_id>/share")
@jwt_required()
def share_document(doc_id):
    doc = Document.query.get_or_404(doc_id)
    if not _can_share(doc, get_jwt_identity()):
        abort(403)
    payload = request.get_json(force=True)
    db.session.add(Share(document_id=doc.id, user_id=payload["user_id"]))
    db.session.commit()
    return "", 201


@bp.get("/folders/<int:folder_id>/documents")
@jwt_required()
def folder_documents(folder_id):
    query = Document.query.filter_by(folder_id=folder_id)  # expect: PR106
    docs = query.order_by(Document.title).all()
    return jsonify([d.to_dict() for d in docs])


@bp.delete("/folders/<int:folder_id>")
@jwt_required()
def delete_folder(folder_id):
    folder = db.session.get(Folder, folder_id)  # expect: PR106
    if folder is None:
        abort(404)
    Document.query.filter_by(folder_id=folder.id).update({"folder_id": None})
    db.session.delete(folder)
    db.session.commit()
    return "", 204


@bp.post("/documents/<int:doc_id>/move")
@jwt_required()
def move_document(doc_id):
    uid = get_jwt_identity()
    doc = Document.query.get_or_404(doc_id)
    target = Folder.query.get_or_404(request.get_json(force=True)["folder_id"])
    if doc.owner_id != uid or target.owner_id != uid:
        abort(403)
    doc.folder_id = target.id
    db.session.commit()
    return jsonify(doc.to_dict())


@bp.get("/search")
@jwt_required()
def search():
    term = request.args.get("q", "")
    docs = Document.query.filter(
        Document.owner_id == get_jwt_identity(), Document.title.ilike(f"%{term}%")
    ).limit(20)
    return jsonify([d.to_dict() for d in docs])


@bp.delete("/shares/<int:share_id>")
@jwt_required()
def revoke_share(share_id):
    share = Share.query.get_or_404(share_id)  # expect: PR106
    db.session.delete(share)
    db.session.commit()
    return "", 204
